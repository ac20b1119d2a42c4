// Catch-up of the chain indexer: from the deployment's start block to the head of a dev chain holding 10,000
// settled sessions (80 % escrow sessions, 20 % payment-channel sessions, each a settled voucher), on a fresh PGlite,
// and on a fresh PostgreSQL database when DATABASE_URL or TEST_DATABASE_URL is set. The chain is built once by real
// transactions to the real contracts and cached as an anvil state dump under node_modules/.cache/chargechain-bench.
// After each run the rows are checked against what the builder put on chain (sessions, amounts, channels).
// Prints a table, then (last line) one JSON object: { sessions, pgliteSessionsPerSecond, postgresSessionsPerSecond }.
// Each engine catches up --runs times (3), each on a fresh database; the JSON gives the median run, and the load
// average, as the machine's other work moves the figures.
// Options: --sessions N (10000), --runs N (3), --max-block-range N (the indexer's default), --cache DIR.
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { channels, type Database, openDatabase, orders } from '@chargechain/db'
import { createScratchDatabase } from '@chargechain/db/testing'
import { count, eq } from 'drizzle-orm'
import { createClient, http } from 'viem'
import { createIndexer } from '../src/index.js'
import { type BenchChain, benchChain } from './benchChain.js'
import { BenchSetupError } from './errors.js'

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    'max-block-range': { type: 'string' },
    runs: { type: 'string', default: '3' },
    cache: {
      type: 'string',
      default: fileURLToPath(new URL('../../../node_modules/.cache/chargechain-bench', import.meta.url)),
    },
  },
})
const SESSIONS = Number(values.sessions)
const RUNS = Number(values.runs)
const maxBlockRange = values['max-block-range'] === undefined ? undefined : Number(values['max-block-range'])

interface Result {
  engine: string
  seconds: number
  batches: number
  events: number
  sessionsPerSecond: number
}

async function measure(engine: string, database: Database, bench: BenchChain): Promise<Result> {
  const indexer = createIndexer({
    database,
    client: createClient({ transport: http(bench.chain.rpcUrl, { retryCount: 0 }) }),
    deployment: bench.deployment,
    confirmations: 12,
    ...(maxBlockRange === undefined ? {} : { maxBlockRange }),
  })
  const began = performance.now()
  const synced = await indexer.syncOnce()
  const seconds = (performance.now() - began) / 1000
  if (synced.blockNumber !== bench.head)
    throw new BenchSetupError(
      `${engine}: indexed up to block ${synced.blockNumber}, the head is ${bench.head}`,
    )
  await check(engine, database, bench)
  const sessions = bench.escrowSessions + bench.channelSessions
  return {
    engine,
    seconds,
    batches: synced.batches,
    events: synced.events,
    sessionsPerSecond: sessions / seconds,
  }
}

/** The rows say what the builder put on chain: every escrow session settled, every channel with its vouchers. */
async function check(engine: string, database: Database, bench: BenchChain): Promise<void> {
  const [settled] = await database.db.select({ n: count() }).from(orders).where(eq(orders.state, 'settled'))
  const [all] = await database.db.select({ n: count() }).from(orders)
  const [channelRows] = await database.db.select({ n: count() }).from(channels)
  if (settled?.n !== bench.escrowSessions || all?.n !== bench.escrowSessions)
    throw new BenchSetupError(
      `${engine}: ${settled?.n} settled orders of ${all?.n}, expected ${bench.escrowSessions}`,
    )
  if (channelRows?.n !== bench.channels)
    throw new BenchSetupError(`${engine}: ${channelRows?.n} channels, expected ${bench.channels}`)
}

const bench = await benchChain(SESSIONS, values.cache)
const results: Result[] = []
try {
  for (let run = 0; run < RUNS; run++) {
    const pglite = await openDatabase({ engine: 'pglite' })
    try {
      results.push(await measure('pglite', pglite, bench))
    } finally {
      await pglite.close()
    }
  }
  const serverUrl = process.env.DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim()
  for (let run = 0; serverUrl && run < RUNS; run++) {
    const scratch = await createScratchDatabase(serverUrl)
    try {
      const postgres = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 4 })
      try {
        results.push(await measure('postgres', postgres, bench))
      } finally {
        await postgres.close()
      }
    } finally {
      await scratch.drop()
    }
  }
} finally {
  await bench.chain.stop()
}

const sessions = bench.escrowSessions + bench.channelSessions
console.log(
  `Dev chain: ${sessions} settled sessions (${bench.escrowSessions} escrow, ${bench.channelSessions} channel vouchers on ${bench.channels} channels), ${bench.head} blocks; ${bench.built ? 'built' : 'loaded from cache'} in ${bench.buildSeconds.toFixed(1)} s`,
)
console.log('engine    catch-up s  batches  events  sessions/s')
for (const result of results)
  console.log(
    `${result.engine.padEnd(9)} ${result.seconds.toFixed(2).padStart(10)} ${String(result.batches).padStart(8)} ${String(result.events).padStart(7)} ${Math.round(result.sessionsPerSecond).toString().padStart(11)}`,
  )
/** The median run's sessions per second; null when the engine did not run. */
const rate = (engine: string) => {
  const rates = results
    .filter((result) => result.engine === engine)
    .map((result) => result.sessionsPerSecond)
    .sort((a, b) => a - b)
  const median = rates[Math.floor((rates.length - 1) / 2)]
  return median === undefined ? null : Math.round(median)
}
console.log(
  JSON.stringify({
    sessions,
    pgliteSessionsPerSecond: rate('pglite'),
    postgresSessionsPerSecond: rate('postgres'),
    runs: RUNS,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  }),
)
