// The API's two heavy reads over HTTP, signed in, with 100,000 orders in embedded PGlite: one page of a pile's
// orders in one state sorted by time (first page, and the next by its cursor), and 30 days of daily totals (a pile,
// the operator, the fleet in turn). Each request goes through the whole server: socket, session lookup, validation,
// query, JSON. Prints a table, then (last line) one JSON object: { orders, p95Ms, page2P95Ms, totalsP95Ms, … }.
// Options: --orders N (100000), --rounds N (300).
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { createAccount, listOrders, openDatabase } from '@chargechain/db'
import { hexOf, seedBenchFleet } from '@chargechain/db/testing'
import { hashPassword } from '../src/auth/secrets.js'
import { createServer } from '../src/server.js'
import { client, signIn } from '../src/testing/harness.js'

const { values } = parseArgs({
  options: { orders: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '300' } },
})
const ORDERS = Number(values.orders)
const ROUNDS = Number(values.rounds)
const PILES = 100
const start = new Date(Date.UTC(2026, 0, 1))
const spacingMs = 5 * 60_000
const operator = hexOf(0xa11ce, 20)

const database = await openDatabase({ engine: 'pglite' })
const server = await createServer({ database, port: 0 })
try {
  const { db } = database
  await createAccount(
    db,
    { username: 'bench', role: 'viewer', passwordHash: await hashPassword('bench-password') },
    { accountId: null, name: 'bench' },
  )
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

  const api = client(server.url, { cookie: await signIn(server.url, 'bench', 'bench-password') })
  const get = async (path: string) => {
    const began = performance.now()
    const response = await api.request('GET', path)
    const body = (await response.json()) as { nextCursor?: string | null }
    const ms = performance.now() - began
    if (response.status !== 200)
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`)
    return { ms, body }
  }
  const pick = (i: number) => piles[(i * 37) % piles.length] ?? 0
  const days = (ORDERS * spacingMs) / 86_400_000
  const list: number[] = []
  const page2: number[] = []
  const totals: number[] = []
  const direct: number[] = []
  const warmUp = 20
  for (let i = 0; i < ROUNDS + warmUp; i++) {
    const pileId = pick(i)
    const first = await get(`/api/orders?pileId=${pileId}&state=settled&sort=openedAt&order=desc&limit=50`)
    const cursor = first.body.nextCursor
    const second = cursor
      ? await get(
          `/api/orders?pileId=${pileId}&state=settled&sort=openedAt&order=desc&limit=50&cursor=${cursor}`,
        )
      : undefined
    const from = new Date(start.getTime() + ((i * 13) % Math.max(1, Math.floor(days - 30))) * 86_400_000)
    const to = new Date(from.getTime() + 29 * 86_400_000)
    const scope = i % 3 === 0 ? `pileId=${pileId}&` : i % 3 === 1 ? `operator=${operator}&` : ''
    const total = await get(
      `/api/totals/daily?${scope}from=${from.toISOString().slice(0, 10)}&to=${to.toISOString().slice(0, 10)}`,
    )
    const began = performance.now()
    await listOrders(db, { pileId, state: 'settled', limit: 50 })
    const directMs = performance.now() - began
    if (i < warmUp) continue
    direct.push(directMs)
    list.push(first.ms)
    if (second) page2.push(second.ms)
    totals.push(total.ms)
  }

  const percentile = (samples: number[], p: number) => {
    const sorted = [...samples].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  }
  const round = (ms: number) => Math.round(ms * 100) / 100
  console.log(`${ORDERS} orders over ${PILES} piles in PGlite, ${ROUNDS} rounds over HTTP; milliseconds`)
  console.table([
    {
      request: 'orders: pile + state, newest first, 50',
      p50: round(percentile(list, 50)),
      p95: round(percentile(list, 95)),
    },
    {
      request: 'orders: the next page by cursor',
      p50: round(percentile(page2, 50)),
      p95: round(percentile(page2, 95)),
    },
    {
      request: 'daily totals: 30 days',
      p50: round(percentile(totals, 50)),
      p95: round(percentile(totals, 95)),
    },
  ])
  console.log(`seeded in ${round(seedSeconds)} s`)
  console.log(
    JSON.stringify({
      orders: ORDERS,
      engine: 'pglite',
      rounds: ROUNDS,
      seedSeconds: round(seedSeconds),
      p95Ms: round(percentile(list, 95)),
      page2P95Ms: round(percentile(page2, 95)),
      totalsP95Ms: round(percentile(totals, 95)),
      inProcessP95Ms: round(percentile(direct, 95)),
      loadAverage: round(loadavg()[0] ?? 0),
    }),
  )
} finally {
  await server.close()
  await database.close()
}
