// The orders page loaded cold in Debian's Chromium, from the real server (`chargechain-server start`, its own
// process) serving the built dashboard, with 100,000 orders in its embedded PGlite, seeded beforehand. Measured per load, each in a fresh browser profile (empty cache, signed in by cookie):
// the time from navigation start until the first order row is in the page and painted, and the JavaScript the page
// transferred until then (response bodies of scripts as sent over the wire, compressed when the server compressed).
// Prints a table, then (last line) one JSON object: { orders, firstRenderMs, jsKB, … } (medians over the loads).
// Targets (issue 12): firstRenderMs < 1,000 and jsKB < 600. Options: --orders N (100000), --loads N (5).
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '@chargechain/db'
import { hexOf, seedBenchFleet } from '@chargechain/db/testing'
import type { Browser, Response } from 'playwright-core'
import { launchChromium, newContext } from '../test/browser'
import { ApiSession, type Stack, startServer } from '../test/stack'

const { values } = parseArgs({
  options: { orders: { type: 'string', default: '100000' }, loads: { type: 'string', default: '5' } },
})
const ORDERS = Number(values.orders)
const LOADS = Number(values.loads)
const PILES = 100

interface Load {
  firstRenderMs: number
  jsBytes: number
  scripts: number
}

/** One cold load of /orders: a fresh profile with only the session cookie. */
async function loadOrders(browser: Browser, url: string, cookie: string): Promise<Load> {
  const context = await newContext(browser)
  const [name = '', value = ''] = cookie.split('=', 2)
  await context.addCookies([{ name, value, url }])
  // The moment the first row is in the page, then the frame after it (painted), on the page's own clock.
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('tr[data-order-id]')) return
      observer.disconnect()
      requestAnimationFrame(() => performance.mark('first-row'))
    }).observe(document, { childList: true, subtree: true })
  })
  const page = await context.newPage()
  const scripts: Response[] = []
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') scripts.push(response)
  })
  await page.goto(`${url}/orders`)
  await page.waitForFunction(() => performance.getEntriesByName('first-row').length > 0, undefined, {
    timeout: 60_000,
  })
  const firstRenderMs = await page.evaluate(
    () => performance.getEntriesByName('first-row')[0]?.startTime ?? NaN,
  )
  const sizes = await Promise.all(
    scripts.map(async (response) => (await response.request().sizes()).responseBodySize),
  )
  await context.close()
  return { firstRenderMs, jsBytes: sizes.reduce((sum, size) => sum + size, 0), scripts: scripts.length }
}

const dataDir = await mkdtemp(join(tmpdir(), 'chargechain-dashboard-bench-'))
let stack: Stack | undefined
let browser: Browser | undefined
try {
  // Seeded in the folder the server then opens, as an operator's database would be when the page loads.
  const database = await openDatabase({ engine: 'pglite', dataDir: join(dataDir, 'db') })
  const seeding = performance.now()
  try {
    await seedBenchFleet(database.db, {
      pileCount: PILES,
      count: ORDERS,
      start: new Date(Date.UTC(2026, 0, 1)),
      spacingMs: 5 * 60_000,
      currencies: [hexOf(0, 20), hexOf(0x70ce, 20)],
    })
  } finally {
    await database.close()
  }
  const seedSeconds = (performance.now() - seeding) / 1000

  stack = await startServer({ dataDir })
  const cookie = (await ApiSession.signIn(stack.url, stack.admin)).cookie
  browser = await launchChromium()
  const { url } = stack
  await loadOrders(browser, url, cookie) // the server's first answers (file handles, query plans)
  const loads: Load[] = []
  for (let i = 0; i < LOADS; i++) loads.push(await loadOrders(browser, url, cookie))

  const median = (samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b)
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN
  }
  const round = (value: number) => Math.round(value * 10) / 10
  const firstRenderMs = round(median(loads.map((load) => load.firstRenderMs)))
  const jsKB = round(median(loads.map((load) => load.jsBytes)) / 1024)
  console.log(
    `${ORDERS} orders over ${PILES} piles in PGlite; /orders loaded cold ${LOADS} times in Chromium`,
  )
  console.table(
    loads.map((load, index) => ({
      load: index + 1,
      'first row (ms)': round(load.firstRenderMs),
      'JS transferred (KB)': round(load.jsBytes / 1024),
      scripts: load.scripts,
    })),
  )
  console.log(`median: first row ${firstRenderMs} ms (target < 1000), JS ${jsKB} KB (target < 600)`)
  console.log(`seeded in ${round(seedSeconds)} s`)
  console.log(
    JSON.stringify({
      orders: ORDERS,
      firstRenderMs,
      jsKB,
      loads: LOADS,
      scripts: median(loads.map((load) => load.scripts)),
      seedSeconds: round(seedSeconds),
      loadAverage: round(loadavg()[0] ?? 0),
    }),
  )
} finally {
  await browser?.close()
  await stack?.stop()
  await rm(dataDir, { recursive: true, force: true })
}
