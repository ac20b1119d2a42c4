import { appendFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defined } from '@chargechain/errors'
import { describe, expect, it } from 'vitest'
import { JournalClosedError, JournalCorruptError, JournalIoError } from './errors.js'
import { openJournal } from './journal.js'
import { defineJournalSchema } from './journalSchema.js'

const tempPath = async () => join(await mkdtemp(join(tmpdir(), 'journal-')), 'agent.journal')
const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean)
const schemaOf = <Value>() => defineJournalSchema<Value>({ name: 'test', version: 1 })
const states = schemaOf<{ state: string }>()
const steps = schemaOf<{ step: number }>()

describe('openJournal', () => {
  it('appends numbered records as JSON lines and replays the last one after reopening', async () => {
    const path = await tempPath()
    const journal = await openJournal(path, schemaOf<{ state: string; voucherWei?: bigint }>(), {
      now: () => 42,
    })
    expect(journal.replay()).toBeUndefined()
    await journal.append({ state: 'idle' })
    const second = await journal.append({ state: 'charging', voucherWei: 12_345_678_901_234_567_890n })
    expect(second).toEqual({
      seq: 2,
      at: 42,
      value: { state: 'charging', voucherWei: 12_345_678_901_234_567_890n },
    })
    await journal.close()

    expect((await lines(path)).map((line) => JSON.parse(line).record.seq)).toEqual([1, 2])
    const reopened = await openJournal(path, states)
    expect(reopened.replay()).toEqual(second)
    expect(reopened.droppedBytes).toBe(0)
    expect((await reopened.append({ state: 'settling' })).seq).toBe(3)
    await reopened.close()
  })

  it('drops a torn last line, cuts it from the file, and carries on from the record before it', async () => {
    const path = await tempPath()
    const journal = await openJournal(path, states)
    await journal.append({ state: 'idle' })
    await journal.append({ state: 'charging' })
    await journal.close()
    const intact = (await stat(path)).size
    await appendFile(path, '{"crc":"0badf00d","record":{"seq":3,"at":1,"val')

    const recovered = await openJournal(path, states)
    expect(recovered.replay()?.value).toEqual({ state: 'charging' })
    expect(recovered.droppedBytes).toBeGreaterThan(0)
    expect((await stat(path)).size).toBe(intact)
    await recovered.append({ state: 'settling' })
    await recovered.close()
    expect((await lines(path)).map((line) => JSON.parse(line).record.value.state)).toEqual([
      'idle',
      'charging',
      'settling',
    ])
  })

  it('drops a complete last line whose CRC does not match (a torn sector)', async () => {
    const path = await tempPath()
    const journal = await openJournal(path, states)
    await journal.append({ state: 'idle' })
    await journal.append({ state: 'charging' })
    await journal.close()
    await writeFile(path, (await readFile(path, 'utf8')).replace('"charging"', '"chargin!"'))
    const recovered = await openJournal(path, states)
    expect(recovered.replay()?.value).toEqual({ state: 'idle' })
    await recovered.close()
  })

  it('refuses damage before the last line, and a gap in the sequence', async () => {
    const path = await tempPath()
    const journal = await openJournal(path, states)
    for (const state of ['idle', 'charging', 'settling']) await journal.append({ state })
    await journal.close()
    const original = await readFile(path, 'utf8')

    await writeFile(path, original.replace('"charging"', '"chargin!"'))
    await expect(openJournal(path, states)).rejects.toThrow(JournalCorruptError)

    const [first, , third] = original.split('\n')
    await writeFile(path, `${first}\n${third}\n`)
    await expect(openJournal(path, states)).rejects.toThrow(/damaged at byte \d+ \(record 2\)/)
  })

  it('compacts to the last record once it holds compactAfter records, keeping the sequence', async () => {
    const path = await tempPath()
    const journal = await openJournal(path, steps, { compactAfter: 5 })
    for (let step = 1; step <= 12; step++) await journal.append({ step })
    const kept = await lines(path)
    expect(kept.length).toBeLessThanOrEqual(5)
    expect(JSON.parse(defined(kept.at(-1), 'the last journal line')).record).toMatchObject({
      seq: 12,
      value: { step: 12 },
    })
    await journal.compact()
    expect(await lines(path)).toHaveLength(1)
    await journal.append({ step: 13 })
    await journal.close()
    const reopened = await openJournal(path, steps)
    expect(reopened.replay()).toMatchObject({ seq: 13, value: { step: 13 } })
    await reopened.close()
  })

  it('keeps concurrent appends in sequence order', async () => {
    const path = await tempPath()
    const journal = await openJournal(path, steps)
    await Promise.all(Array.from({ length: 20 }, (_, step) => journal.append({ step })))
    await journal.close()
    const records = (await lines(path)).map((line) => JSON.parse(line).record)
    expect(records.map((record) => record.seq)).toEqual(records.map((record) => record.value.step + 1))
  })

  it('rejects use after close and explains an unwritable location', async () => {
    const path = await tempPath()
    const journal = await openJournal(path, states)
    await journal.close()
    await expect(journal.append({ state: 'idle' })).rejects.toThrow(JournalClosedError)
    await expect(openJournal(join(path, 'not-a-directory', 'x.journal'), states)).rejects.toThrow(
      JournalIoError,
    )
  })
})
