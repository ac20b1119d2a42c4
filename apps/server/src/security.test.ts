// API security, route by route, from the OpenAPI document itself (so a new route cannot slip by): every route but
// sign-in and the health check refuses a request without a session or token (401); every write, and every read
// marked admin-only, refuses a viewer (403); and the document lists every route the app registers.
// Breaks tried: adding `{ method: 'GET', path: /^\/api\/piles$/ }` to publicRoutes (the 401 check fails on
// GET /api/piles); removing `{ adminOnly: true }` from GET /api/accounts (the viewer check fails on it); removing
// the role check from authenticate (every write's viewer check fails); registering a route with app.get instead of
// app.openapi (the completeness check names it).
import { testEngines } from '@chargechain/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from './app.js'
import { client, startTestServer, type TestServer } from './testing/harness.js'

interface Operation {
  security?: Record<string, string[]>[]
  'x-roles'?: string[]
}

type Document = { paths: Record<string, Record<string, Operation>> }

/** Routes served outside the document: the document itself and its docs page. */
const undocumented = [
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /api/docs/assets/swagger-ui-dist/swagger-ui.css',
  'GET /api/docs/assets/swagger-ui-dist/swagger-ui-bundle.js',
]

/** Reads only an admin may make: who may sign in, and the log of every change. */
const adminOnlyReads = ['GET /api/accounts', 'GET /api/audit']

/** A path of the document with its parameters filled in (values the routes accept, for rows that need not exist). */
function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    name === 'tag' ? 'TAG-1' : name === 'id' && path.startsWith('/api/chargers') ? 'CP-1' : '1',
  )
}

function operations(document: Document) {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  )
}

for (const engine of testEngines) {
  describe(`API security on ${engine.name}`, () => {
    let t: TestServer
    let document: Document
    beforeAll(async () => {
      t = await startTestServer(engine)
      const response = await t.anonymous.json<Document>('GET', '/api/openapi.json')
      expect(response.status).toBe(200)
      document = response.body
    })
    afterAll(() => t?.close())

    it('documents every route the app registers, and only those', () => {
      const app = createApp({ database: t.database })
      const registered = new Set(
        app.routes
          .filter((route) => route.method !== 'ALL')
          .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
      )
      const documented = new Set(operations(document).map((op) => `${op.method} ${op.path}`))
      expect([...registered].filter((route) => !documented.has(route)).sort()).toEqual(
        [...undocumented].sort(),
      )
      expect([...documented].filter((route) => !registered.has(route))).toEqual([])
    })

    it('refuses every route without a session or token, but sign-in and health', async () => {
      const open: string[] = []
      for (const { method, path, operation } of operations(document)) {
        const response = await t.anonymous.request(
          method,
          concrete(path),
          method === 'GET' ? {} : { json: {} },
        )
        const body = (await response.json()) as { error?: { code: string } }
        if (operation.security?.length === 0) {
          open.push(`${method} ${path}`)
          continue
        }
        expect({ route: `${method} ${path}`, status: response.status, code: body.error?.code }).toEqual({
          route: `${method} ${path}`,
          status: 401,
          code: 'unauthorized',
        })
      }
      expect(open.sort()).toEqual(['GET /api/health', 'POST /api/auth/login'])
    })

    it('refuses a wrong token and a forged cookie alike', async () => {
      for (const auth of [{ token: 'cct_forged' }, { cookie: 'cc_session=cs_forged' }]) {
        const response = await client(t.url, auth).request('GET', '/api/piles')
        expect(response.status).toBe(401)
      }
    })

    it("refuses a viewer's writes and admin-only reads, and lets it read the rest", async () => {
      for (const { method, path, operation } of operations(document)) {
        // Signing out is tried last, below: it ends the viewer's session.
        if (operation.security?.length === 0 || path === '/api/live' || path === '/api/auth/logout') continue
        const roles = operation['x-roles'] ?? []
        const response = await t.viewer.request(method, concrete(path), method === 'GET' ? {} : { json: {} })
        const route = `${method} ${path}`
        if (roles.includes('viewer')) {
          expect({ route, forbidden: response.status === 403 }).toEqual({ route, forbidden: false })
          expect({ route, unauthorized: response.status === 401 }).toEqual({ route, unauthorized: false })
        } else expect({ route, status: response.status }).toEqual({ route, status: 403 })
        await response.body?.cancel()
      }
      expect((await t.viewer.request('POST', '/api/auth/logout')).status).toBe(204)
      expect((await t.viewer.request('GET', '/api/auth/me')).status).toBe(401)
    })

    it('says which role each route needs: writes and the listed reads are admin-only', () => {
      for (const { method, path, operation } of operations(document)) {
        if (operation.security?.length === 0) continue
        const roles = operation['x-roles']
        const route = `${method} ${path}`
        const adminOnly = (method !== 'GET' && path !== '/api/auth/logout') || adminOnlyReads.includes(route)
        expect({ route, roles }).toEqual({ route, roles: adminOnly ? ['admin'] : ['admin', 'viewer'] })
      }
    })
  })
}
