// The API's two heavy reads straight on the database, with 100,000 orders: one page of a pile's orders in one state,
// newest first (first page and pages further in, by cursor), and 30 days of totals for a pile, an operator and the
// fleet. Runs on PGlite, and on PostgreSQL too when DATABASE_URL or TEST_DATABASE_URL is set.
// Prints a table, then (last line) one JSON object: { orders, pgliteListP95Ms, pgliteTotalsP95Ms, postgres… }.
// Options: --orders N (100000), --rounds N (200).
import { parseArgs } from 'node:util'
import type { Database } from '../src/database.js'
import { openDatabase } from '../src/open.js'
import { listOrders } from '../src/queries/orders.js'
import { dailyTotals } from '../src/queries/totals.js'
import { createScratchDatabase, hexOf, seedBenchFleet } from '../src/testing/index.js'

const { values } = parseArgs({
  options: { orders: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '200' } },
})
const ORDERS = Number(values.orders)
const ROUNDS = Number(values.rounds)
const PILES = 100
const start = new Date(Date.UTC(2026, 0, 1))
const spacingMs = 5 * 60_000
const operator = hexOf(0xa11ce, 20)

interface Result {
  engine: string
  seedSeconds: number
  list: number[]
  deepList: number[]
  totals: number[]
}

async function measure(engine: string, database: Database): Promise<Result> {
  const { db } = database
  const seeding = performance.now()
  const piles = await seedBenchFleet(db, {
    pileCount: PILES,
    count: ORDERS,
    start,
    spacingMs,
    currencies: [hexOf(0, 20), hexOf(0x70ce, 20)],
    operator,
  })
  const seedSeconds = (performance.now() - seeding) / 1000

  const pick = (i: number) => piles[(i * 37) % piles.length] ?? 0
  const time = async (run: () => Promise<unknown>) => {
    const began = performance.now()
    await run()
    return performance.now() - began
  }
  const list: number[] = []
  const deepList: number[] = []
  const totals: number[] = []
  const days = (ORDERS * spacingMs) / 86_400_000
  for (let i = 0; i < ROUNDS; i++) {
    const pileId = pick(i)
    let cursor: string | undefined
    list.push(
      await time(async () => {
        cursor = (await listOrders(db, { pileId, state: 'settled', limit: 50 })).nextCursor
      }),
    )
    if (cursor) {
      const next = cursor
      deepList.push(await time(() => listOrders(db, { pileId, state: 'settled', limit: 50, cursor: next })))
    }
    const from = new Date(start.getTime() + ((i * 13) % Math.max(1, Math.floor(days - 30))) * 86_400_000)
    const window = {
      from: from.toISOString().slice(0, 10),
      to: new Date(from.getTime() + 29 * 86_400_000).toISOString().slice(0, 10),
    }
    const scope = i % 3 === 0 ? { pileId } : i % 3 === 1 ? { operator } : {}
    totals.push(await time(() => dailyTotals(db, { ...scope, ...window })))
  }
  return { engine, seedSeconds, list, deepList, totals }
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

const round = (ms: number) => Math.round(ms * 100) / 100
const results: Result[] = []

const pglite = await openDatabase({ engine: 'pglite' })
try {
  results.push(await measure('pglite', pglite))
} finally {
  await pglite.close()
}
const serverUrl = process.env.DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim()
if (serverUrl) {
  const scratch = await createScratchDatabase(serverUrl)
  try {
    const postgres = await openDatabase({ engine: 'postgres', url: scratch.url })
    try {
      results.push(await measure('postgres', postgres))
    } finally {
      await postgres.close()
    }
  } finally {
    await scratch.drop()
  }
}

console.log(`${ORDERS} orders over ${PILES} piles, ${ROUNDS} rounds; milliseconds`)
console.table(
  results.map((result) => ({
    engine: result.engine,
    'seed s': round(result.seedSeconds),
    'list p50': round(percentile(result.list, 50)),
    'list p95': round(percentile(result.list, 95)),
    'page 2 p95': round(percentile(result.deepList, 95)),
    'totals p50': round(percentile(result.totals, 50)),
    'totals p95': round(percentile(result.totals, 95)),
  })),
)
const json: Record<string, number> = { orders: ORDERS }
for (const result of results) {
  json[`${result.engine}ListP95Ms`] = round(percentile([...result.list, ...result.deepList], 95))
  json[`${result.engine}TotalsP95Ms`] = round(percentile(result.totals, 95))
}
console.log(JSON.stringify(json))
