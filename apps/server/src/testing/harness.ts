import { type AccountRole, createAccount, type Database } from '@chargechain/db'
import type { TestEngine } from '@chargechain/db/testing'
import { hashPassword } from '../auth/secrets.js'
import { type CreateServerOptions, createServer, type RunningServer } from '../server.js'

/** A client of a running server: fetch with its session cookie or token, JSON in and out. */
export interface TestClient {
  request(
    method: string,
    path: string,
    options?: { json?: unknown; body?: string; headers?: Record<string, string> },
  ): Promise<Response>
  json<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>
}

export function client(baseUrl: string, auth: { cookie?: string; token?: string } = {}): TestClient {
  const request: TestClient['request'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers }
    if (auth.cookie) headers.cookie = auth.cookie
    if (auth.token) headers.authorization = `Bearer ${auth.token}`
    let body = options.body
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    }
    return fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' })
  }
  return {
    request,
    async json<T>(method: string, path: string, body?: unknown) {
      const response = await request(method, path, body === undefined ? {} : { json: body })
      const text = await response.text()
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T }
    },
  }
}

/** Signs in over HTTP and returns the cookie header to send back. */
export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await client(baseUrl).request('POST', '/api/auth/login', { json: { username, password } })
  if (response.status !== 200) throw new Error(`sign-in of ${username} answered ${response.status}`)
  const cookie = response.headers.get('set-cookie')?.split(';')[0]
  if (!cookie) throw new Error('sign-in set no cookie')
  return cookie
}

export async function addAccount(database: Database, username: string, password: string, role: AccountRole) {
  return createAccount(
    database.db,
    { username, role, passwordHash: await hashPassword(password) },
    { accountId: null, name: 'test' },
  )
}

export interface TestServer {
  database: Database
  server: RunningServer
  url: string
  anonymous: TestClient
  admin: TestClient
  viewer: TestClient
  close(): Promise<void>
}

export const adminPassword = 'admin-password-1'
export const viewerPassword = 'viewer-password-1'

/** A fresh database on `engine`, a server on a free port, and clients signed in as an admin and a viewer. */
export async function startTestServer(
  engine: TestEngine,
  options: Partial<Omit<CreateServerOptions, 'database' | 'port'>> = {},
): Promise<TestServer> {
  const database = await engine.open()
  const server = await createServer({ database, port: 0, ...options })
  await addAccount(database, 'admin', adminPassword, 'admin')
  await addAccount(database, 'viewer', viewerPassword, 'viewer')
  const admin = client(server.url, { cookie: await signIn(server.url, 'admin', adminPassword) })
  const viewer = client(server.url, { cookie: await signIn(server.url, 'viewer', viewerPassword) })
  return {
    database,
    server,
    url: server.url,
    anonymous: client(server.url),
    admin,
    viewer,
    async close() {
      await server.close()
      await database.close()
    },
  }
}
