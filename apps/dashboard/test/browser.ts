// Debian's Chromium driven by playwright-core: nothing here ever downloads a browser.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AxeBuilder } from '@axe-core/playwright'
import { BaseError } from '@chargechain/errors'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

export const chromiumPath = '/usr/bin/chromium'

/** Screenshots of every page in both languages, kept after the run (gitignored). */
export const artifactsDir = fileURLToPath(new URL('../artifacts/', import.meta.url))

export class BrowserMissingError extends BaseError {
  override readonly name = 'BrowserMissingError'
  constructor() {
    super(
      `No Chromium at ${chromiumPath}: install Debian's package (apt-get install chromium; .ci/run does).`,
    )
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new BrowserMissingError()
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
}

/** A fresh browser profile (no cookies, no stored language) at a desktop size, English unless told. */
export async function newContext(
  browser: Browser,
  options: { language?: 'en' | 'zh'; width?: number; height?: number } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  })
  const language = options.language ?? 'en'
  await context.addInitScript((value) => {
    if (!localStorage.getItem('chargechain.language')) localStorage.setItem('chargechain.language', value)
  }, language)
  return context
}

/** Signs in through the login page and waits for the overview. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel(/^(User name|用户名)$/).fill(username)
  await page.getByLabel(/^(Password|密码)$/).fill(password)
  // antd spaces out a two-character Chinese label: 登 录.
  await page.getByRole('button', { name: /^(Sign in|登 ?录)$/ }).click()
  await page.waitForURL((url) => url.pathname === '/')
  await page.getByTestId('account-menu').waitFor()
}

/** Serious and critical axe-core violations on the page as it is now, as `rule: element` lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`))
}

/** Saves a full-page screenshot as a test artifact and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true })
  const path = join(artifactsDir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
