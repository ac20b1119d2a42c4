// Notifications: a listener hears a payload sent inside a transaction only once it commits, and never one that
// rolled back (break: send with a second connection outside the caller's transaction and "only on commit" fails);
// on PostgreSQL a second instance hears the first, and a listener whose connection the server killed is told of
// the gap and hears what comes after (break: drop the reconnect in listener.ts and "after a broken connection"
// fails).
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from './database.js'
import { InvalidParameterError } from './errors.js'
import { notify } from './notify.js'
import { openDatabase } from './open.js'
import { createScratchDatabase, type ScratchDatabase, testDatabaseUrl, testEngines } from './testing/index.js'

/** Collects the payloads of `channel` on `database`; `next()` resolves with the next one. */
async function collect(database: Database, channel: string) {
  const heard: string[] = []
  const waiting: Array<() => void> = []
  let gaps = 0
  const unlisten = await database.listen(channel, {
    onMessage(payload) {
      heard.push(payload)
      for (const wake of waiting.splice(0)) wake()
    },
    onGap() {
      gaps += 1
      for (const wake of waiting.splice(0)) wake()
    },
  })
  return {
    heard,
    gaps: () => gaps,
    unlisten,
    async until(done: () => boolean): Promise<void> {
      while (!done()) await new Promise<void>((resolve) => waiting.push(resolve))
    },
  }
}

for (const engine of testEngines) {
  describe(`notify on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    it('delivers only on commit', async () => {
      const listener = await collect(database, 'orders_live')
      await database.db
        .transaction(async (tx) => {
          await notify(tx, 'orders_live', { id: 1 })
          tx.rollback()
        })
        .catch(() => {})
      await database.db.transaction(async (tx) => {
        await notify(tx, 'orders_live', { id: 2 })
        // Not yet: the transaction is open.
        await tx.execute(sql`select pg_sleep(0.05)`)
        expect(listener.heard).toEqual([])
      })
      await notify(database.db, 'orders_live', { id: 3 })
      await listener.until(() => listener.heard.length === 2)
      expect(listener.heard.map((payload) => JSON.parse(payload))).toEqual([{ id: 2 }, { id: 3 }])
      await listener.unlisten()
    })

    it('refuses a bad channel name and an oversize payload', async () => {
      await expect(notify(database.db, 'drop table; --', {})).rejects.toBeInstanceOf(InvalidParameterError)
      await expect(database.listen('Upper', { onMessage() {} })).rejects.toBeInstanceOf(InvalidParameterError)
      await expect(notify(database.db, 'big', 'x'.repeat(8_000))).rejects.toBeInstanceOf(
        InvalidParameterError,
      )
    })
  })
}

describe.runIf(testDatabaseUrl)('notify between instances on PostgreSQL', () => {
  let scratch: ScratchDatabase
  let a: Database
  let b: Database
  beforeAll(async () => {
    scratch = await createScratchDatabase(testDatabaseUrl ?? '')
    a = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 2 })
    b = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 2 })
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await scratch?.drop()
  })

  it('one instance hears the other, also after a broken connection', async () => {
    const listener = await collect(b, 'commands')
    await notify(a.db, 'commands', 'first')
    await listener.until(() => listener.heard.length === 1)

    // The server ends b's listening connection, as a restart or a failover would.
    await a.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen commands' and datname = current_database()`,
    )
    await listener.until(() => listener.gaps() === 1)
    await notify(a.db, 'commands', 'second')
    await listener.until(() => listener.heard.length === 2)
    expect(listener.heard.map((payload) => JSON.parse(payload))).toEqual(['first', 'second'])
  })
})
