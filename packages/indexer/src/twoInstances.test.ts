// Must show — two indexers on one database never apply an event twice, shown by the lock itself rather than by
// chain_events' primary key. On PostgreSQL two real `chargechain-indexer` processes follow one anvil: the test holds
// the cursor row, so the first one's batch stops inside its transaction; the second then waits on the chain's
// advisory lock (pg_locks: the first holds it, granted; the second waits for it) and has applied nothing. The first
// is killed with SIGKILL there; its batch rolls back, the second takes the lock and continues from the cursor the
// first left, to the head. Every event is applied once: the `blocks applied` lines add up to the chain's events above
// that cursor, and the orders and daily totals (sessions, energy, revenue: what a second application would add to)
// are the settlements the test made and equal a clean index.
// PGlite is one process's folder (@chargechain/db locks it): there a second indexer is refused at start, naming the
// first; once the first is killed, the second starts on the folder and continues from its cursor.
// The PostgreSQL case runs only with TEST_DATABASE_URL; without it it is reported skipped, by name.
// Break tried: in store/applyBatch.ts, drop `await lockChain(tx, chainId)` — the second process goes on to the rows
// and waits on the first's, no advisory lock is held or awaited, and the pg_locks comparison fails.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDeployment } from '@chargechain/chain'
import { type Database, openDatabase, rebuildDailyTotals } from '@chargechain/db'
import { createScratchDatabase, type ScratchDatabase, testDatabaseUrl } from '@chargechain/db/testing'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Chain,
  indexerFor,
  open,
  type Piles,
  registerPiles,
  settle,
  startChain,
} from '../test/fixture.js'
import { type IndexerProcess, startIndexerProcess } from '../test/indexerProcess.js'
import { indexedTables } from '../test/tables.js'
import { query } from './store/sql.js'

// The advisory lock's first key, as store/cursor.ts takes it ("CCIX").
const LOCK_CLASS = 0x43434958

let c: Chain
let piles: Piles
let folder: string
let deploymentPath: string
/** Energy of every session settled so far, in order. */
const settled: bigint[] = []

async function settleSessions(count: number) {
  for (let i = 0; i < count; i++) {
    const energyWh = BigInt(1_500 + settled.length * 53)
    await settle(c, await open(i % 2 ? c.vehicle : c.vehicle2, i % 3 ? piles.native : piles.token), energyWh)
    settled.push(energyWh)
  }
}

const followArgs = (data: string) => [
  '--rpc-url',
  c.chain.rpcUrl,
  '--deployment',
  deploymentPath,
  '--data',
  data,
  '--confirmations',
  '0',
  '--max-block-range',
  '2',
  '--poll-interval-ms',
  '100',
]

/** The chain's followed events (the indexer leaves out Credited and Withdrawn) above `after`. */
async function eventsAbove(after: number): Promise<number> {
  const events = await c.arbiter.getChargeChainEvents()
  return events.filter(
    (event) =>
      event.eventName !== 'Credited' && event.eventName !== 'Withdrawn' && Number(event.blockNumber) > after,
  ).length
}

const eventsOf = (process: IndexerProcess) =>
  process.applied().reduce((sum, entry) => sum + (entry.events ?? 0), 0)

/** The tables equal a clean index of the chain, and the orders and totals are the settlements made, once each. */
async function expectAppliedOnce(database: Database) {
  const clean = await openDatabase({ engine: 'pglite' })
  try {
    await indexerFor(clean, c).syncOnce()
    const tables = await indexedTables(database.db)
    expect(tables).toEqual(await indexedTables(clean.db))
    expect(
      tables.orders
        .filter((order) => order.state === 'settled')
        .map((order) => order.energyWh)
        .sort((a, b) => Number(a) - Number(b)),
    ).toEqual(settled.map(Number))
    const sum = (field: 'sessions' | 'energyWh') =>
      tables.pileTotals.reduce((total, row) => total + Number(row[field]), 0)
    expect({ sessions: sum('sessions'), energyWh: sum('energyWh') }).toEqual({
      sessions: settled.length,
      energyWh: Number(settled.reduce((a, b) => a + b, 0n)),
    })
    expect(tables.pileTotals.map((row) => row.revenue)).toEqual(
      (await indexedTables(clean.db)).pileTotals.map((row) => row.revenue),
    )
    await rebuildDailyTotals(database.db)
    expect(await indexedTables(database.db)).toEqual(tables)
  } finally {
    await clean.close()
  }
}

/** Waits until `count` backends of the database other than this one wait on a lock; returns their pids. */
async function waitersOn(database: Database, count: number): Promise<number[]> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const rows = await query(
      database.db,
      sql`select pid from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()
          order by backend_start`,
    )
    if (rows.length >= count) return rows.map((row) => Number(row.pid))
    if (Date.now() > deadline) throw new Error(`${rows.length} backends wait on a lock, not ${count}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  c = await startChain()
  folder = await mkdtemp(join(tmpdir(), 'indexer-two-'))
  deploymentPath = join(folder, 'deployment.json')
  await writeDeployment(deploymentPath, c.deployment)
  piles = await registerPiles(c, 'TWO')
  await settleSessions(4)
}, 180_000)

afterAll(async () => {
  await c?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
})

describe.skipIf(testDatabaseUrl === undefined)(
  testDatabaseUrl === undefined
    ? 'two indexers on one PostgreSQL — skipped: set TEST_DATABASE_URL to run it'
    : 'two indexers on one PostgreSQL',
  () => {
    let scratch: ScratchDatabase
    let database: Database
    beforeAll(async () => {
      scratch = await createScratchDatabase(testDatabaseUrl ?? '')
      database = await openDatabase({ engine: 'postgres', url: scratch.url })
    })
    afterAll(async () => {
      await database?.close()
      await scratch?.drop()
    })

    it('one holds the advisory lock and applies; the other waits, then takes over from the cursor', async () => {
      await indexerFor(database, c).syncOnce()
      const [cursor] = await indexedTables(database.db).then((tables) => tables.cursor)
      const after = cursor?.blockNumber ?? 0
      await settleSessions(8)
      const env = { DATABASE_URL: scratch.url }
      const args = followArgs(join(folder, 'unused'))
      let first: IndexerProcess | undefined
      let second: IndexerProcess | undefined
      try {
        await database.db.transaction(async (tx) => {
          await tx.execute(sql`select * from indexer_cursors for update`)
          first = startIndexerProcess(args, env)
          const [holder] = await waitersOn(database, 1)
          second = startIndexerProcess(args, env)
          const waiters = await waitersOn(database, 2)
          const locks = await query(
            database.db,
            sql`select pid, granted from pg_locks
                where locktype = 'advisory' and classid = ${LOCK_CLASS} and objid = ${c.deployment.chainId}
                order by granted desc`,
          )
          expect(locks.map((row) => ({ pid: Number(row.pid), granted: row.granted }))).toEqual([
            { pid: holder, granted: true },
            { pid: waiters.find((pid) => pid !== holder), granted: false },
          ])
          expect([first.applied(), second.applied()]).toEqual([[], []])
          first.child.kill('SIGKILL')
          expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' })
          // Released by the commit, the dead process's backend finds its client gone and rolls the batch back.
        })
        if (!first || !second) throw new Error('both processes were started')
        const head = Number(await c.arbiter.getBlockNumber())
        await second.waitFor((entry) => entry.msg === 'blocks applied' && (entry.to ?? 0) >= head)
        second.child.kill('SIGTERM')
        expect((await second.exited).code).toBe(0)
        expect(first.applied()).toEqual([])
        expect(second.applied()[0]?.from).toBe(after + 1)
        expect(eventsOf(second)).toBe(await eventsAbove(after))
        // Neither fought over the rows: no sync failed and was retried.
        expect(second.entries().filter((entry) => (entry.level ?? 0) >= 40)).toEqual([])
        await expectAppliedOnce(database)
      } finally {
        first?.child.kill('SIGKILL')
        second?.child.kill('SIGKILL')
      }
    }, 300_000)
  },
)

describe('two indexers on one PGlite folder', () => {
  it('the second is refused while the first runs, then continues from its cursor', async () => {
    const data = join(folder, 'pglite')
    const local = await openDatabase({ engine: 'pglite', dataDir: data })
    try {
      await indexerFor(local, c).syncOnce()
    } finally {
      await local.close()
    }
    const after = Number(await c.arbiter.getBlockNumber())
    await settleSessions(2)
    const args = followArgs(data)
    const first = startIndexerProcess(args, {})
    let second: IndexerProcess | undefined
    try {
      const head = Number(await c.arbiter.getBlockNumber())
      await first.waitFor((entry) => entry.msg === 'blocks applied' && (entry.to ?? 0) >= head)
      const refused = startIndexerProcess(args, {})
      expect((await refused.exited).code).toBe(1)
      expect(refused.output()).toContain(`in use by process ${first.child.pid}`)
      first.child.kill('SIGKILL')
      await first.exited

      second = startIndexerProcess(args, {})
      await second.waitFor((entry) => entry.msg === 'indexer starting')
      await settleSessions(2)
      const newHead = Number(await c.arbiter.getBlockNumber())
      await second.waitFor((entry) => entry.msg === 'blocks applied' && (entry.to ?? 0) >= newHead)
      second.child.kill('SIGTERM')
      expect((await second.exited).code).toBe(0)
      expect(second.applied()[0]?.from).toBe(head + 1)
      expect(eventsOf(first) + eventsOf(second)).toBe(await eventsAbove(after))

      const database = await openDatabase({ engine: 'pglite', dataDir: data })
      try {
        await expectAppliedOnce(database)
      } finally {
        await database.close()
      }
    } finally {
      first.child.kill('SIGKILL')
      second?.child.kill('SIGKILL')
    }
  }, 300_000)
})
