// Journal records carry their schema and version, so an agent never misreads one. Breaks tried, each failing a test
// below: dropping `found.version > version` in journalSchema.ts (a newer record is read as current), dropping the
// schema-name check (a vehicle journal opens as a pile journal), and `?? 1` → `?? 2` in journal.ts (a record from
// before versioning skips its migration).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { JournalVersionError } from './errors.js'
import { openJournal } from './journal.js'
import { defineJournalSchema } from './journalSchema.js'
import { encodeJson } from './json.js'

const tempPath = async () => join(await mkdtemp(join(tmpdir(), 'journal-version-')), 'agent.journal')

/** A journal line exactly as the journal writes it, for any record. */
const line = (record: object) => {
  const body = encodeJson(record)
  return `{"crc":"${crc32(body).toString(16).padStart(8, '0')}","record":${body}}\n`
}
const storedRecords = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((text) => JSON.parse(text).record)

type V1 = { state: string; paid: boolean }
type V2 = { state: string; session: { kind: 'free' | 'escrow' } }

const isV1 = (value: unknown): value is V1 =>
  typeof value === 'object' && value !== null && 'state' in value && 'paid' in value
const v1 = defineJournalSchema<V1>({ name: 'pile', version: 1 })
const v2 = defineJournalSchema<V2>({
  name: 'pile',
  version: 2,
  migrations: {
    1: (value) => {
      if (!isV1(value)) throw new Error('not a version 1 record')
      return { state: value.state, session: { kind: value.paid ? 'escrow' : 'free' } }
    },
  },
})

describe('journal schema versions', () => {
  it('writes the schema name and version into every record', async () => {
    const path = await tempPath()
    const journal = await openJournal(path, v2, { now: () => 7 })
    await journal.append({ state: 'idle', session: { kind: 'free' } })
    await journal.close()
    expect(await storedRecords(path)).toEqual([
      { seq: 1, at: 7, schema: 'pile', version: 2, value: { state: 'idle', session: { kind: 'free' } } },
    ])
  })

  it('migrates a record written by an older version, and one written before journals had versions', async () => {
    const old = await tempPath()
    const journal = await openJournal(old, v1)
    await journal.append({ state: 'charging', paid: true })
    await journal.close()
    const upgraded = await openJournal(old, v2)
    expect(upgraded.replay()).toMatchObject({
      seq: 1,
      value: { state: 'charging', session: { kind: 'escrow' } },
    })
    // The next record, and a compaction, are written at the current version.
    await upgraded.compact()
    expect(await storedRecords(old)).toEqual([
      expect.objectContaining({
        seq: 1,
        version: 2,
        value: { state: 'charging', session: { kind: 'escrow' } },
      }),
    ])
    await upgraded.close()

    const unversioned = await tempPath()
    await writeFile(unversioned, line({ seq: 4, at: 1, value: { state: 'settling', paid: false } }))
    const read = await openJournal(unversioned, v2)
    expect(read.replay()).toEqual({ seq: 4, at: 1, value: { state: 'settling', session: { kind: 'free' } } })
    expect((await read.append({ state: 'idle', session: { kind: 'free' } })).seq).toBe(5)
    await read.close()
  })

  it('refuses a record written by a newer version, and leaves the file as it was', async () => {
    const path = await tempPath()
    const newer = line({ seq: 1, at: 1, schema: 'pile', version: 3, value: { state: 'idle', tariff: {} } })
    await writeFile(path, newer)
    const opening = openJournal(path, v2)
    await expect(opening).rejects.toThrow(JournalVersionError)
    await expect(opening).rejects.toMatchObject({
      found: { schema: 'pile', version: 3 },
      expected: { schema: 'pile', version: 2 },
      shortMessage: `Journal ${path} was written by a newer agent (pile journal version 3; this agent reads up to 2); run the newer agent or move the file away.`,
    })
    expect(await readFile(path, 'utf8')).toBe(newer)
  })

  it('refuses a journal of another schema', async () => {
    const path = await tempPath()
    await writeFile(path, line({ seq: 1, at: 1, schema: 'vehicle', version: 1, value: { state: 'idle' } }))
    await expect(openJournal(path, v1)).rejects.toThrow(
      `Journal ${path} is a vehicle journal, not a pile journal; check the journal path in the config.`,
    )
  })

  it('refuses an older version it has no migration for, and a record its migration rejects', async () => {
    const path = await tempPath()
    await writeFile(
      path,
      line({ seq: 1, at: 1, schema: 'pile', version: 1, value: { state: 'idle', paid: false } }),
    )
    const noPath = defineJournalSchema<V2>({ name: 'pile', version: 2 })
    await expect(openJournal(path, noPath)).rejects.toMatchObject({
      name: 'JournalVersionError',
      found: { schema: 'pile', version: 1 },
      details: 'No migration from version 1 to 2.',
    })

    await writeFile(path, line({ seq: 1, at: 1, schema: 'pile', version: 1, value: { state: 'idle' } }))
    const refused = openJournal(path, v2)
    await expect(refused).rejects.toThrow(JournalVersionError)
    await expect(refused).rejects.toMatchObject({
      details: 'The migration from version 1 to 2 refused the record.',
      cause: new Error('not a version 1 record'),
    })
  })
})
