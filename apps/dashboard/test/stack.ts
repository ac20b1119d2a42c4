// The real management server as its own process, serving the built dashboard, for the browser tests.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { BaseError } from '@chargechain/errors'

export const distDir = fileURLToPath(new URL('../dist/', import.meta.url))
const serverBin = fileURLToPath(new URL('../../server/bin/chargechain-server.mjs', import.meta.url))

export class StackError extends BaseError {
  override readonly name = 'StackError'
}

export interface Account {
  username: string
  password: string
}

/** The first admin of a stack `startServer` starts. */
export const stackAdmin: Account = { username: 'admin', password: 'dashboard-admin-password' }

export interface Stack {
  url: string
  admin: Account
  stop(): Promise<void>
}

/** Answers with `pattern`'s match once `child` prints a line matching it; fails if it exits or stays silent. */
export async function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number) {
  const [match] = await waitForLines(child, [pattern], what, timeoutMs)
  if (!match) throw new StackError(`${what} printed no line matching ${pattern}.`)
  return match
}

/**
 * Answers with each pattern's first match, in order, once `child` has printed a line matching every one; fails if it
 * exits first or stays silent. Its output keeps being read afterwards, so a chatty child never blocks on a full pipe.
 */
export function waitForLines(
  child: ChildProcess,
  patterns: readonly RegExp[],
  what: string,
  timeoutMs: number,
) {
  return new Promise<RegExpExecArray[]>((resolve, reject) => {
    const seen: string[] = []
    const matches = new Map<RegExp, RegExpExecArray>()
    const timer = setTimeout(
      () =>
        reject(
          new StackError(`${what} did not start in ${timeoutMs / 1000} s.`, { details: seen.join('\n') }),
        ),
      timeoutMs,
    )
    const onLine = (line: string) => {
      if (seen.length < 1_000) seen.push(line)
      for (const pattern of patterns) {
        const match = matches.has(pattern) ? null : pattern.exec(line)
        if (match) matches.set(pattern, match)
      }
      if (matches.size === patterns.length) {
        clearTimeout(timer)
        resolve(
          patterns
            .map((pattern) => matches.get(pattern))
            .filter((match): match is RegExpExecArray => match !== undefined),
        )
      }
    }
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine)
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => seen.push(line))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(
        new StackError(`${what} exited with code ${code} before it was ready.`, { details: seen.join('\n') }),
      )
    })
  })
}

/** Stops a child process: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/**
 * `chargechain-server start` on a PGlite folder (a fresh one, or `dataDir` prepared by the caller: the embedded
 * database in `<dataDir>/db`), on a free port, serving the dashboard's build, with the first admin from
 * CHARGECHAIN_ADMIN_PASSWORD. A folder it made itself is removed when it stops.
 */
export async function startServer(options: { dataDir?: string } = {}): Promise<Stack> {
  if (!existsSync(join(distDir, 'index.html')))
    throw new StackError('The dashboard is not built: run `npm run build -w @chargechain/dashboard` first.')
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'chargechain-dashboard-')))
  const cleanUp = () => (options.dataDir ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }))
  const { DATABASE_URL: _external, ...env } = process.env
  const child = spawn(
    process.execPath,
    [serverBin, 'start', '--port', '0', '--data', dataDir, '--static', distDir, '--log-level', 'warn'],
    {
      env: {
        ...env,
        CHARGECHAIN_ADMIN_USER: stackAdmin.username,
        CHARGECHAIN_ADMIN_PASSWORD: stackAdmin.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  try {
    const [, url] = await waitForLine(child, /ChargeChain server at (http\S+)/, 'chargechain-server', 90_000)
    return {
      url: url ?? '',
      admin: stackAdmin,
      async stop() {
        await stopChild(child)
        await cleanUp()
      },
    }
  } catch (error) {
    await stopChild(child)
    await cleanUp()
    throw error
  }
}

/** The API as a signed-in account sees it: JSON in and out, the session cookie kept. */
export class ApiSession {
  private constructor(
    readonly baseUrl: string,
    /** The session cookie, `name=value`. */
    readonly cookie: string,
  ) {}

  static async signIn(baseUrl: string, account: Account): Promise<ApiSession> {
    const response = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    })
    const cookie = response.headers.get('set-cookie')?.split(';')[0]
    if (response.status !== 200 || !cookie)
      throw new StackError(`Signing in as ${account.username} answered ${response.status}.`)
    return new ApiSession(baseUrl, cookie)
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) }
  }

  /** A 2xx answer's JSON; anything else throws with the server's words. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, json } = await this.request(method, path, body)
    if (status < 200 || status > 299)
      throw new StackError(`${method} ${path} answered ${status}.`, { details: JSON.stringify(json) })
    return json as T
  }

  async text(path: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: { cookie: this.cookie } })
    if (!response.ok) throw new StackError(`GET ${path} answered ${response.status}.`)
    return response.text()
  }
}
