// Crash safety: the real `chargechain-indexer` process is killed with SIGKILL in the middle of a backfill (two
// blocks per batch, so dozens of batches) and restarted; the final tables equal a clean index of the same chain,
// with every followed event stored once (count equal to the chain's) and the totals as the orders make them.
// Where the kill lands in a batch is chance, except on PostgreSQL, where one kill is made to land between a batch's
// rows and its cursor: the test holds the cursor row locked until the process waits on it.
// Break: in applyBatch, write the cursor in a statement of its own after the rows' transaction — on PostgreSQL the
// restart applies that batch again, chain_events' key refuses it, the process retries it forever and the test fails
// (tried: it times out).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDeployment } from '@chargechain/chain'
import { type Database, type DatabaseConfig, openDatabase, rebuildDailyTotals } from '@chargechain/db'
import { createScratchDatabase, testDatabaseUrl } from '@chargechain/db/testing'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { address, type Chain, indexerFor, open, registerPiles, settle, startChain } from '../test/fixture.js'
import { startIndexerProcess } from '../test/indexerProcess.js'
import { indexedTables } from '../test/tables.js'
import { query } from './store/sql.js'

interface Engine {
  name: string
  /** The configuration both the child processes and the test open, and how to let it go. */
  prepare(
    folder: string,
  ): Promise<{ config: DatabaseConfig; env: Record<string, string>; drop(): Promise<void> }>
}

const engines: Engine[] = [
  {
    name: 'pglite',
    prepare: async (folder) => ({
      config: { engine: 'pglite', dataDir: join(folder, 'db') },
      env: {},
      drop: async () => {},
    }),
  },
  ...(testDatabaseUrl === undefined
    ? []
    : [
        {
          name: 'postgres',
          async prepare() {
            const scratch = await createScratchDatabase(testDatabaseUrl ?? '')
            return {
              config: { engine: 'postgres', url: scratch.url } as const,
              env: { DATABASE_URL: scratch.url },
              drop: scratch.drop,
            }
          },
        },
      ]),
]

/** Runs the indexer process; resolves with its exit, or kills it (SIGKILL) once a batch reaches block `killAt`. */
async function runIndexerProcess(args: string[], env: Record<string, string>, killAt?: number) {
  const indexer = startIndexerProcess(args, env)
  let killedAt: number | undefined
  // On the chunk that logs the batch, not at a later poll: the kill lands where the batch left off. The helper's own
  // listener, added first, has already taken the chunk in.
  if (killAt !== undefined)
    indexer.child.stdout?.on('data', () => {
      const reached = indexer.applied().find((entry) => (entry.to ?? 0) >= killAt)
      if (reached === undefined || killedAt !== undefined) return
      killedAt = reached.to
      indexer.child.kill('SIGKILL')
    })
  const { code, signal } = await indexer.exited
  return { code, signal, output: indexer.output(), ...(killedAt === undefined ? {} : { killedAt }) }
}

/**
 * Holds the cursor row locked, starts the indexer, waits until its batch transaction (rows written) waits for the
 * lock, and kills it there: the batch's rows must go with its cursor.
 */
async function killWhileWritingCursor(url: string, args: string[], env: Record<string, string>) {
  const database = await openDatabase({ engine: 'postgres', url })
  try {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select * from indexer_cursors for update`)
      const indexer = startIndexerProcess(args, env)
      for (;;) {
        const [row] = await query(
          database.db,
          sql`select count(*)::integer as waiting from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
        )
        if (Number(row?.waiting) > 0) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      indexer.child.kill('SIGKILL')
      await indexer.exited
      // Its connection went with it: a backend waiting on a lock would only notice once granted.
      await query(
        database.db,
        sql`select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
      )
    })
  } finally {
    await database.close()
  }
}

describe('kill -9 in the middle of a backfill', () => {
  let c: Chain
  let folder: string
  let deploymentPath: string
  let head: number
  beforeAll(async () => {
    c = await startChain()
    folder = await mkdtemp(join(tmpdir(), 'indexer-kill-'))
    deploymentPath = join(folder, 'deployment.json')
    await writeDeployment(deploymentPath, c.deployment)
    const piles = await registerPiles(c, 'KILL')
    // One transaction per block: a long run of small batches.
    for (let i = 0; i < 20; i++) {
      const opened = await open(i % 2 ? c.vehicle : c.vehicle2, i % 3 ? piles.native : piles.token)
      await settle(c, opened, BigInt(1_000 + i * 37))
    }
    await c.owner.setFreeVehicles({ pileId: piles.native.pileId, add: [address(c.payout2)] })
    head = Number(await c.arbiter.getBlockNumber())
  }, 180_000)
  afterAll(async () => {
    await c?.stop()
    if (folder) await rm(folder, { recursive: true, force: true })
  })

  for (const engine of engines)
    it(`on ${engine.name}: the tables equal a clean index, every event applied once`, async () => {
      const prepared = await engine.prepare(join(folder, engine.name))
      const args = [
        '--rpc-url',
        c.chain.rpcUrl,
        '--deployment',
        deploymentPath,
        '--data',
        join(folder, engine.name, 'db'),
        '--confirmations',
        '0',
        '--max-block-range',
        '2',
      ]
      let database: Database | undefined
      let clean: Database | undefined
      try {
        const span = head - c.deployment.startBlock
        for (const fraction of [1 / 3, 2 / 3]) {
          const run = await runIndexerProcess(
            args,
            prepared.env,
            c.deployment.startBlock + Math.floor(span * fraction),
          )
          expect({ signal: run.signal, output: run.killedAt === undefined ? run.output : '' }).toEqual({
            signal: 'SIGKILL',
            output: '',
          })
          if (prepared.config.engine === 'postgres')
            await killWhileWritingCursor(prepared.config.url, args, prepared.env)
        }
        const last = await runIndexerProcess([...args, '--until-head'], prepared.env)
        expect({ code: last.code, output: last.code === 0 ? '' : last.output }).toEqual({
          code: 0,
          output: '',
        })

        database = await openDatabase(prepared.config)
        clean = await openDatabase({ engine: 'pglite' })
        await indexerFor(clean, c).syncOnce()
        const tables = await indexedTables(database.db)
        expect(tables).toEqual(await indexedTables(clean.db))
        const onChain = (await c.arbiter.getChargeChainEvents()).filter(
          (event) => event.eventName !== 'Credited' && event.eventName !== 'Withdrawn',
        )
        expect(tables.chainEvents.map((event) => [event.blockNumber, event.logIndex])).toEqual(
          onChain.map((event) => [Number(event.blockNumber), event.logIndex]),
        )
        expect(tables.orders.filter((order) => order.state === 'settled')).toHaveLength(20)
        // The totals are what recounting the orders gives.
        await rebuildDailyTotals(database.db)
        expect(await indexedTables(database.db)).toEqual(tables)
      } finally {
        await database?.close()
        await clean?.close()
        await prepared.drop()
      }
    }, 300_000)
})
