// Opening: an embedded database keeps its rows in its folder across a reopen, and a second open of the same folder
// is refused while the first holds it (drop the lock and "refuses a second open" fails); a stale lock from a dead
// process is taken over; an unreachable PostgreSQL is a typed, retryable error.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DatabaseUnavailableError, DataDirInUseError } from './errors.js'
import { databaseConfigFromEnv, openDatabase } from './open.js'
import { accounts } from './schema/index.js'

describe('openDatabase', () => {
  const folders: string[] = []
  const folder = async () => {
    const path = await mkdtemp(join(tmpdir(), 'chargechain-db-'))
    folders.push(path)
    return path
  }
  afterEach(async () => {
    await Promise.all(folders.splice(0).map((path) => rm(path, { recursive: true, force: true })))
  })

  it('keeps an embedded database in its folder, and refuses a second open while it is held', async () => {
    const dataDir = await folder()
    const first = await openDatabase({ engine: 'pglite', dataDir })
    await first.db.insert(accounts).values({ username: 'ada', passwordHash: '$argon2id$x', role: 'admin' })
    const second = openDatabase({ engine: 'pglite', dataDir })
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError)
    await first.close()

    const reopened = await openDatabase({ engine: 'pglite', dataDir })
    try {
      const rows = await reopened.db.select({ username: accounts.username }).from(accounts)
      expect(rows).toEqual([{ username: 'ada' }])
      expect(reopened.location).toBe(dataDir)
    } finally {
      await reopened.close()
    }
  })

  it('takes over the lock a dead process left', async () => {
    const dataDir = await folder()
    // Process ids stop below 2^22 on Linux: this one is not running.
    await writeFile(join(dataDir, 'chargechain.lock'), String(2 ** 22 + 7))
    const database = await openDatabase({ engine: 'pglite', dataDir })
    await database.close()
  })

  it('names an unreachable PostgreSQL without its password, as retryable', async () => {
    const opening = openDatabase({ engine: 'postgres', url: 'postgres://someone:secret@127.0.0.1:1/nothing' })
    const error = await opening.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DatabaseUnavailableError)
    expect(error).toMatchObject({ retryable: true })
    expect(String(error)).toContain('postgres://someone:***@127.0.0.1:1/nothing')
    expect(String(error)).not.toContain('secret')
  })

  it('takes PostgreSQL from DATABASE_URL, else the folder', () => {
    expect(databaseConfigFromEnv('/data', { DATABASE_URL: 'postgres://h/db' })).toEqual({
      engine: 'postgres',
      url: 'postgres://h/db',
    })
    expect(databaseConfigFromEnv('/data', {})).toEqual({ engine: 'pglite', dataDir: '/data' })
  })
})
