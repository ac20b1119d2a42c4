/**
 * Must show (issue 12): the dashboard in Debian's Chromium (playwright-core, headless) against the real server with
 * the simulator (what `npm start` runs: the server serving the built dashboard, its fleet charging), signed in as the
 * admin whose password the simulator printed; the operator adds three piles of its own beside the simulator's.
 *
 * Breaks tried, one line each; each made its test fail, then was restored:
 * - sign-in: Login.tsx navigates to '/login' instead of `next` after the server accepted the password.
 * - pile appears: usePiles asks for page 2 (`page: query.page + 1` in pilesSearch).
 * - map: PileMap's isPlaced accepts no pile (`pile.latitude === null`).
 * - viewer: useIsAdmin returns true for every account (edit controls shown).
 * - language: setLanguage stores the choice but does not call i18n.changeLanguage.
 * - formats: formatDay ignores the locale ('en-US' always).
 * - phone: the `.ant-table-content { overflow-x: auto }` rule removed (the piles table widens the page); the
 *   `.ant-descriptions-view { overflow-x: auto }` rule removed (a chain pile's hashes widen its page).
 * - accessibility: the theme's colorTextDescription back to antd's rgba(0, 0, 0, 0.45).
 * - connected: Chargers.tsx's Connected cell always says No (`t('common.no')`).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page as ApiPage, Charger, Pile } from '../src/api/types'
import { launchChromium, newContext, screenshot, seriousViolations, signIn } from './browser'
import { type SimulatorStack, startSimulator } from './simulatorStack'
import { ApiSession } from './stack'

const viewerAccount = { username: 'viewer', password: 'dashboard-viewer-password' }

// Three piles around 上海交通大学, as the prototype's operators had them.
const newPiles = [
  { dmid: 'SJTU-001', name: '上海 1', site: '上海交通大学', brand: '特来电', installedOn: '2020-01-02' },
  { dmid: 'SJTU-002', name: '上海 2', site: '上海交通大学', brand: '特来电', installedOn: '2020-01-03' },
  { dmid: 'SJTU-003', name: '上海 3', site: '上海交通大学', brand: '特来电', installedOn: '2020-01-04' },
].map((pile, index) => ({
  ...pile,
  currentType: 'ac',
  guns: 1,
  ratedPowerW: 7000,
  firmwareVersion: 'V1.0',
  latitude: 31.0252 + index * 0.002,
  longitude: 121.4337 + index * 0.002,
}))

/** Every page of the dashboard, by a path that opens it. */
function pages(pileId: number) {
  return {
    login: '/login',
    overview: '/',
    piles: '/piles',
    pile: `/piles/${pileId}`,
    map: '/map',
    orders: '/orders',
    disputes: '/disputes',
    chargers: '/chargers',
    idTags: '/chargers?tab=tags',
    accounts: '/accounts',
    audit: '/audit',
  }
}

let stack: SimulatorStack
let browser: Browser
let admin: ApiSession
let piles: Pile[]

beforeAll(async () => {
  ;[stack, browser] = await Promise.all([
    startSimulator({ piles: 2, cars: 2, seed: 7, speed: 60 }),
    launchChromium(),
  ])
  admin = await ApiSession.signIn(stack.url, stack.admin)
  await admin.json('POST', '/api/accounts', { ...viewerAccount, role: 'viewer' })
  for (const pile of newPiles) await admin.json('POST', '/api/piles', pile)
  piles = (await admin.json<ApiPage<Pile>>('GET', '/api/piles?sort=id')).items
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

/** A page signed in as `account` (a fresh browser profile each time). */
async function signedIn(
  account: { username: string; password: string },
  options: Parameters<typeof newContext>[1] = {},
) {
  const context = await newContext(browser, options)
  const page = await context.newPage()
  await signIn(page, stack.url, account.username, account.password)
  return page
}

/** Opens `path` and waits until nothing is loading. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${stack.url}${path}`)
  await page.waitForLoadState('networkidle').catch(() => undefined) // the live stream never idles: best effort
  await page
    .locator('.ant-spin-spinning, .ant-table-placeholder .ant-spin')
    .first()
    .waitFor({ state: 'detached' })
}

describe('dashboard in Chromium', { timeout: 180_000 }, () => {
  it('signs in, and back to the page asked for', async () => {
    const context = await newContext(browser)
    const page = await context.newPage()
    await page.goto(`${stack.url}/piles?q=SJTU`)
    await page.waitForURL((url) => url.pathname === '/login')
    expect(new URL(page.url()).searchParams.get('next')).toBe('/piles?q=SJTU')
    await page.getByLabel('Password').fill('wrong-password-here')
    await page.getByLabel('User name').fill(stack.admin.username)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/)
    await page.getByLabel('Password').fill(stack.admin.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL((url) => url.pathname === '/piles')
    expect(new URL(page.url()).search).toBe('?q=SJTU')
    expect(await page.getByTestId('account-menu').textContent()).toBe('admin (admin)')
    await context.close()
  })

  it('lists the piles with the prototype’s columns', async () => {
    const page = await signedIn(stack.admin)
    await open(page, '/piles')
    const headers = await page.locator('.ant-table-thead th').allTextContents()
    for (const column of [
      'DMID',
      'Site',
      'Installed',
      'Brand',
      'Type',
      'Guns',
      'Rated power',
      'Firmware',
      'State',
    ])
      expect(headers).toContain(column)
    const dmids = await page.getByTestId('pile-link').locator('.ant-typography').first().allTextContents()
    expect(dmids.length).toBeGreaterThan(0)
    const shown = await page
      .locator('.ant-table-tbody tr[data-row-key]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-row-key'))))
    expect(shown).toEqual(piles.map((pile) => pile.id))
    await page.context().close()
  })

  it('the Chargers page shows which chargers are connected now', async () => {
    const added = {
      id: 'SJTU-CP-1',
      pileId: piles.find((pile) => pile.dmid === 'SJTU-001')?.id,
      password: 'x'.repeat(16),
    }
    await admin.json('POST', '/api/chargers', added)
    // The simulator's piles speak OCPP to the server: each is connected once it has connected.
    const chargers = () => admin.json<Charger[]>('GET', '/api/chargers')
    await expect
      .poll(async () => (await chargers()).filter((charger) => charger.connected).length, { timeout: 30_000 })
      .toBe((await chargers()).length - 1)
    const expected = Object.fromEntries(
      (await chargers()).map((charger) => [charger.id, charger.connected ? 'Yes' : 'No']),
    )
    // The simulator's two piles, then the one just added.
    expect(Object.values(expected).sort()).toEqual(['No', 'Yes', 'Yes'])
    expect(expected[added.id]).toBe('No')
    const page = await signedIn(stack.admin)
    await open(page, '/chargers')
    const headers = await page.locator('.ant-table-thead th').allTextContents()
    const column = headers.indexOf('Connected')
    const shown = await page
      .locator('.ant-table-tbody tr[data-row-key]')
      .evaluateAll(
        (rows, index) =>
          rows.map((row) => [row.getAttribute('data-row-key'), row.children[index]?.textContent]),
        column,
      )
    expect(Object.fromEntries(shown)).toEqual(expected)
    await page.context().close()
  })

  it('shows a pile on the map, and a click opens it', async () => {
    const page = await signedIn(stack.admin)
    // The operator's own three piles have no charger connected (offline); the simulator's report over OCPP.
    await open(page, '/map?state=offline')
    // Three piles 200 m apart: at the fitted zoom they are single markers, not a cluster.
    const markers = page.locator('.leaflet-marker-icon.pile-marker')
    await expect.poll(() => markers.count()).toBe(newPiles.length)
    const first = piles.find((pile) => pile.dmid === 'SJTU-001')
    if (!first) throw new Error('no pile SJTU-001')
    await page.locator(`.leaflet-marker-icon[title^="${first.name}"]`).click()
    await page.waitForURL((url) => url.pathname === `/piles/${first.id}`)
    await page.context().close()
  })

  it('a viewer sees no edit controls, and the API refuses its write', async () => {
    const page = await signedIn(viewerAccount)
    expect(await page.getByTestId('account-menu').textContent()).toBe('viewer (viewer)')
    await open(page, '/piles')
    await page.locator('.ant-table-tbody tr[data-row-key]').first().waitFor()
    expect(await page.getByRole('button', { name: 'Add pile' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0)
    const pile = piles[0]
    if (!pile) throw new Error('no pile')
    await open(page, `/piles/${pile.id}`)
    expect(await page.getByText('Remote commands').count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0)
    // The same write the admin's form makes, sent with the viewer's session.
    const answer = await page.evaluate(async (id) => {
      const response = await fetch(`/api/piles/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'changed by a viewer' }),
      })
      return { status: response.status, body: await response.json() }
    }, pile.id)
    expect(answer.status).toBe(403)
    expect(answer.body.error.code).toBe('forbidden')
    expect((await admin.json<Pile>('GET', `/api/piles/${pile.id}`)).name).toBe(pile.name)
    await page.context().close()
  })

  it('switching to Chinese changes the labels and the date formats, and is remembered', async () => {
    const page = await signedIn(stack.admin)
    await open(page, '/piles')
    const menu = page.getByRole('navigation')
    const installed = page.locator('.ant-table-tbody tr[data-row-key] td').filter({ hasText: /2020/ }).first()
    expect(await menu.getByRole('menuitem', { name: 'Piles' }).count()).toBe(1)
    expect(await installed.textContent()).toBe('01/02/2020')
    await page.getByRole('radiogroup', { name: 'Language' }).getByText('中文').click()
    await expect.poll(() => menu.getByRole('menuitem', { name: '充电桩管理' }).count()).toBe(1)
    expect(await installed.textContent()).toBe('2020/01/02')
    expect(await page.locator('.ant-table-thead th').allTextContents()).toContain('安装时间')
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    await page.reload()
    await expect.poll(() => menu.getByRole('menuitem', { name: '充电桩管理' }).count()).toBe(1)
    await page.context().close()
  })

  it('a phone-sized viewport has no horizontal scroll on any page', async () => {
    // A simulator's pile: registered on chain, so its detail page shows the on-chain settings and their hashes.
    const pile = piles[0]
    if (!pile) throw new Error('no pile')
    const page = await signedIn(stack.admin, { width: 390, height: 844 })
    const wide: string[] = []
    for (const [name, path] of Object.entries(pages(pile.id))) {
      if (name === 'login') continue
      await open(page, path)
      const [scrollWidth, width] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        window.innerWidth,
      ])
      if ((scrollWidth ?? 0) > (width ?? 0)) wide.push(`${path}: ${scrollWidth} > ${width}`)
    }
    expect(wide).toEqual([])
    // The menu folds into a drawer behind a button.
    await page.getByRole('button', { name: 'Menu' }).click()
    await page.getByRole('menuitem', { name: 'Orders' }).click()
    await page.waitForURL((url) => url.pathname === '/orders')
    await page.context().close()
  })

  it('every page in both languages: a screenshot, and no serious or critical accessibility violation', async () => {
    const pile = piles[0]
    if (!pile) throw new Error('no pile')
    const found: string[] = []
    for (const language of ['en', 'zh'] as const) {
      const context = await newContext(browser, { language })
      const page = await context.newPage()
      await open(page, '/login')
      await screenshot(page, `${language}-login`)
      found.push(...(await seriousViolations(page)).map((line) => `${language} /login ${line}`))
      await signIn(page, stack.url, stack.admin.username, stack.admin.password)
      for (const [name, path] of Object.entries(pages(pile.id))) {
        if (name === 'login') continue
        await open(page, path)
        await screenshot(page, `${language}-${name}`)
        found.push(...(await seriousViolations(page)).map((line) => `${language} ${path} ${line}`))
      }
      await context.close()
    }
    expect(found).toEqual([])
  })
})
