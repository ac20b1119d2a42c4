/**
 * Must show (issue 12): the dashboard in Debian's Chromium against the real server WITH the simulator — the
 * simulator process (`apps/simulator/src/main.ts`, what `npm start` runs) registers its fleet, charges and pays on a
 * dev chain and reports over OCPP; the browser signs in with the admin password it printed.
 *
 * Breaks tried, one line each; each made its test fail, then was restored:
 * - pile appears: Piles.tsx's DMID column shows `#${pile.id}` instead of `pile.dmid`.
 * - charging to settled live: live.ts's 'order' event no longer invalidates `keys.orders()` (the row stays
 *   "Charging" until a reload).
 * - filter and CSV: ordersCsvUrl (urlState.ts) drops the state from the export (`search.delete('state')`).
 * - plausible readings: pile-ocpp's reportPile stamps in real time (`dateOf` → `() => new Date()`): at 300× the
 *   readings are implausible jumps, and a free order's energy falls back to its last counted reading (210 Wh for
 *   6,630).
 */
import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CursorPage, MeterValue, Order, Pile, Page as PileList } from '../src/api/types'
import { launchChromium, newContext, signIn } from './browser'
import { type SimulatorStack, startSimulator } from './simulatorStack'
import { ApiSession } from './stack'

const fleet = { piles: 2, cars: 3, seed: 1, speed: 300 }

let stack: SimulatorStack
let browser: Browser
let admin: ApiSession

beforeAll(async () => {
  ;[stack, browser] = await Promise.all([startSimulator(fleet), launchChromium()])
  admin = await ApiSession.signIn(stack.url, stack.admin)
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 180_000)

async function signedInPage(): Promise<Page> {
  const context = await newContext(browser)
  const page = await context.newPage()
  await signIn(page, stack.url, stack.admin.username, stack.admin.password)
  return page
}

/** Every order the API lists for `query`, all pages. */
async function apiOrders(query: Record<string, string>): Promise<Order[]> {
  const found: Order[] = []
  for (let cursor: string | null = null; ; ) {
    const search = new URLSearchParams({ ...query, limit: '1000', ...(cursor ? { cursor } : {}) })
    const page: CursorPage<Order> = await admin.json('GET', `/api/orders?${search}`)
    found.push(...page.items)
    cursor = page.nextCursor ?? null
    if (!cursor) return found
  }
}

/** The order rows on screen: id and state, from the attributes the table puts on each row. */
function shownOrders(page: Page): Promise<Array<{ id: number; state: string }>> {
  return page
    .locator('tr[data-order-id]')
    .evaluateAll((rows) =>
      rows.map((row) => ({ id: Number(row.getAttribute('data-order-id')), state: row.dataset.state ?? '' })),
    )
}

const kwh = (wh: number) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(wh / 1000)

describe('dashboard in Chromium with the simulator running', { timeout: 300_000 }, () => {
  it('shows the piles the simulator registered, by their DMIDs', async () => {
    const page = await signedInPage()
    await page.goto(`${stack.url}/piles`)
    // Each row's link: the DMID, then the pile's name under it.
    const links = page.getByTestId('pile-link')
    await expect
      .poll(async () => (await links.allTextContents()).sort(), { timeout: 60_000 })
      .toEqual(stack.plan.piles.map((pile) => `${pile.dmid}${pile.name}`).sort())
    await page.context().close()
  })

  it('a session goes from charging to settled on screen, without a reload', async () => {
    const page = await signedInPage()
    await page.goto(`${stack.url}/orders`)
    await page.getByTestId('orders-table').waitFor()
    const url = page.url()
    let loads = 0
    page.on('load', () => loads++)
    // Orders seen charging; done once one of them is shown settled, in the same page.
    const charging = new Set<number>()
    await expect
      .poll(
        async () => {
          const rows = await shownOrders(page)
          for (const row of rows) if (row.state === 'charging') charging.add(row.id)
          return rows.some((row) => row.state === 'settled' && charging.has(row.id))
        },
        { timeout: 240_000, interval: 200 },
      )
      .toBe(true)
    expect(loads).toBe(0)
    expect(page.url()).toBe(url)
    await page.context().close()
  })

  it('readings stamped in simulated time are plausible, and a free order shows its energy', async () => {
    await expect
      .poll(async () => (await apiOrders({ kind: 'free', state: 'settled' })).length, { timeout: 240_000 })
      .toBeGreaterThan(0)
    const [free] = await apiOrders({ kind: 'free', state: 'settled' })
    if (!free || free.meterStartWh === null || free.meterStopWh === null)
      throw new Error('no finished free order')
    expect(free.energyWh).toBe(free.meterStopWh - free.meterStartWh)
    expect(free.energyWh).toBeGreaterThan(0)
    expect(Date.parse(free.endedAt ?? '')).toBeGreaterThan(Date.parse(free.openedAt))
    // Every reading of every pile so far counts: none flagged (implausibleJump, notAfterPrevious, decreasing).
    const piles = (await admin.json<PileList<Pile>>('GET', '/api/piles')).items
    expect(piles.length).toBe(fleet.piles)
    for (const pile of piles) {
      const readings = await admin.json<CursorPage<MeterValue>>(
        'GET',
        `/api/meter-values?pileId=${pile.id}&limit=5000`,
      )
      expect(readings.items.filter((reading) => reading.flag !== null)).toEqual([])
    }
    const page = await signedInPage()
    await page.goto(`${stack.url}/orders?kind=free&state=settled`)
    const energy = page.locator(`tr[data-order-id="${free.id}"]`).getByTestId('order-energy')
    await expect.poll(() => energy.textContent(), { timeout: 60_000 }).toBe(kwh(free.energyWh))
    await page.context().close()
  })

  it('orders filter by pile and state in the page, and the CSV holds exactly the filtered rows', async () => {
    // A pile with two settled orders, while the fleet also has orders the filter leaves out.
    let chosen: Pile | undefined
    await expect
      .poll(
        async () => {
          const piles = (await admin.json<PileList<Pile>>('GET', '/api/piles?sort=id')).items
          const all = await apiOrders({})
          chosen = piles.find(
            (pile) =>
              all.filter((order) => order.pileId === pile.id && order.state === 'settled').length >= 2,
          )
          return chosen !== undefined && all.some((order) => order.pileId !== chosen?.id)
        },
        { timeout: 240_000, interval: 1_000 },
      )
      .toBe(true)
    if (!chosen?.dmid) throw new Error('no pile chosen')
    const pile = chosen
    const dmid = chosen.dmid

    const page = await signedInPage()
    await page.goto(`${stack.url}/orders`)
    await page.locator('tr[data-order-id]').first().waitFor()
    await page.getByRole('combobox', { name: 'Pile' }).click()
    await page.getByRole('combobox', { name: 'Pile' }).fill(dmid)
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: dmid })
      .click()
    await page.getByRole('combobox', { name: 'State' }).click()
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: /^Settled$/ })
      .click()
    await page.waitForURL((url) => url.searchParams.get('pileId') === String(pile.id))
    await page.waitForURL((url) => url.searchParams.get('state') === 'settled')

    // The fleet keeps charging: compare while the API's answer stayed the same before and after the download.
    const filter = { pileId: String(pile.id), state: 'settled' }
    for (let attempt = 1; ; attempt++) {
      const before = (await apiOrders(filter)).map((order) => order.id)
      await expect
        .poll(async () => (await shownOrders(page)).map((row) => row.id), { timeout: 60_000 })
        .toEqual(before.slice(0, 50))
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-csv').click(),
      ])
      const csv = await readFile(await download.path(), 'utf8')
      const after = (await apiOrders(filter)).map((order) => order.id)
      if (before.join() !== after.join() && attempt < 5) continue
      expect(after).toEqual(before)
      const [header, ...lines] = csv.split('\r\n').filter((line) => line !== '')
      expect(header?.split(',')[0]).toBe('id')
      expect(lines.map((line) => Number(line.split(',')[0]))).toEqual(before)
      expect(before.length).toBeGreaterThanOrEqual(2)
      break
    }
    await page.context().close()
  })
})
