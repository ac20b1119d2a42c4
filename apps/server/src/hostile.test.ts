// Malformed and hostile input: SQL metacharacters in searches, filters and ids, oversize bodies (with and without
// a length), wrong types, unknown fields, bad JSON and path tricks in exports each get a 4xx naming the problem —
// and no table changes (every table read before and after). Breaks tried: `z.object` instead of `z.strictObject`
// for the pile body (the unknown-field case is accepted); removing the filename rule of the CSV export (the path
// tricks get a 200); raising the body limit to 1 MB (the oversize cases get 201 and the tables change).
import { request as httpRequest } from 'node:http'
import {
  accounts,
  apiTokens,
  auditLog,
  chargers,
  type Database,
  idTags,
  meterValues,
  orders,
  piles,
} from '@chargechain/db'
import { insertOrder, insertPile, testEngines } from '@chargechain/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './testing/harness.js'

/** Every row of every table an API call could change. */
async function snapshot(database: Database) {
  const { db } = database
  return {
    piles: await db.select().from(piles).orderBy(piles.id),
    orders: await db.select().from(orders).orderBy(orders.id),
    chargers: await db.select().from(chargers).orderBy(chargers.id),
    idTags: await db.select().from(idTags).orderBy(idTags.tag),
    accounts: await db.select().from(accounts).orderBy(accounts.id),
    apiTokens: await db.select().from(apiTokens).orderBy(apiTokens.id),
    auditLog: await db.select().from(auditLog).orderBy(auditLog.id),
    meterValues: await db.select().from(meterValues).orderBy(meterValues.id),
  }
}

/** A request sent byte for byte (fetch would resolve `..` and encode what it finds odd). */
function raw(
  url: string,
  method: string,
  path: string,
  cookie: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers: { cookie } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

interface Case {
  name: string
  method: string
  path: string
  json?: unknown
  body?: string
  headers?: Record<string, string>
  status: number
  /** Words the message must hold (the field or the rule). */
  says: RegExp
}

const big = 'x'.repeat(100 * 1024)

const cases: Case[] = [
  // SQL metacharacters where a value is typed: refused by its rule before any query.
  {
    name: 'filter id',
    method: 'GET',
    path: '/api/orders?pileId=1%20OR%201%3D1',
    status: 400,
    says: /pileId/,
  },
  {
    name: 'filter enum',
    method: 'GET',
    path: "/api/orders?state=settled'%20OR%20'a'%3D'a",
    status: 400,
    says: /state/,
  },
  {
    name: 'filter address',
    method: 'GET',
    path: "/api/orders?vehicle=0x'%3B--",
    status: 400,
    says: /vehicle/,
  },
  {
    name: 'filter time',
    method: 'GET',
    path: "/api/orders?from=2026-01-01'%3Bdelete",
    status: 400,
    says: /from/,
  },
  {
    name: 'cursor',
    method: 'GET',
    path: "/api/orders?cursor=x'%3Bdrop%20table%20orders",
    status: 400,
    says: /cursor/,
  },
  {
    name: 'forged cursor',
    method: 'GET',
    path: '/api/orders?cursor=WzEsMiwzLDRd',
    status: 400,
    says: /[Cc]ursor/,
  },
  {
    name: 'sort column',
    method: 'GET',
    path: '/api/piles?sort=name%3Bdrop%20table%20piles',
    status: 400,
    says: /sort/,
  },
  { name: 'path id', method: 'GET', path: '/api/piles/1%3BDROP%20TABLE%20piles', status: 400, says: /id/ },
  { name: 'delete id', method: 'DELETE', path: '/api/piles/1%20OR%201%3D1', status: 400, says: /id/ },
  { name: 'tag id', method: 'DELETE', path: "/api/id-tags/T1'%3B--", status: 400, says: /tag/ },
  { name: 'charger id', method: 'DELETE', path: "/api/chargers/CP-1'%20OR%20'1", status: 400, says: /id/ },
  {
    name: 'audit subject',
    method: 'GET',
    path: "/api/audit?subject=pile%3A1'%20or%201%3D1",
    status: 400,
    says: /subject/,
  },
  // Oversize bodies.
  {
    name: 'oversize body',
    method: 'POST',
    path: '/api/piles',
    json: { name: big },
    status: 413,
    says: /larger than 65536 bytes/,
  },
  // Wrong types, out of range, unknown fields, empty patches, bad JSON.
  {
    name: 'string for number',
    method: 'POST',
    path: '/api/piles',
    json: { name: 'a', guns: '2' },
    status: 400,
    says: /"guns"/,
  },
  {
    name: 'latitude off the globe',
    method: 'POST',
    path: '/api/piles',
    json: { latitude: 91 },
    status: 400,
    says: /"latitude"/,
  },
  {
    name: 'array for object',
    method: 'POST',
    path: '/api/piles',
    json: [{ name: 'a' }],
    status: 400,
    says: /body/,
  },
  {
    name: 'unknown field',
    method: 'POST',
    path: '/api/piles',
    json: { name: 'a', owner: '0x1' },
    status: 400,
    says: /owner/,
  },
  { name: 'unknown query', method: 'GET', path: '/api/orders?pile=1', status: 400, says: /pile/ },
  {
    name: 'empty patch',
    method: 'PATCH',
    path: '/api/piles/1',
    json: {},
    status: 400,
    says: /at least one field/,
  },
  {
    name: 'bad role',
    method: 'POST',
    path: '/api/accounts',
    json: { username: 'eve', role: 'root' },
    status: 400,
    says: /"role"/,
  },
  {
    name: 'short password',
    method: 'POST',
    path: '/api/accounts',
    json: { username: 'eve', role: 'admin', password: 'x' },
    status: 400,
    says: /"password".*at least 10/,
  },
  {
    name: 'username with quote',
    method: 'POST',
    path: '/api/accounts',
    json: { username: "a'--", role: 'viewer' },
    status: 400,
    says: /"username"/,
  },
  {
    name: 'bad JSON',
    method: 'POST',
    path: '/api/piles',
    body: '{"name":',
    headers: { 'content-type': 'application/json' },
    status: 400,
    says: /not valid JSON/,
  },
  {
    name: 'not JSON at all',
    method: 'POST',
    path: '/api/piles',
    body: 'name=a',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    says: /Content-Type: application\/json/,
  },
  {
    name: 'huge number',
    method: 'POST',
    path: '/api/chargers',
    json: { id: 'CP-9', pileId: 1e300, password: 'abcdefgh' },
    status: 400,
    says: /"pileId"/,
  },
  // Path tricks in exports.
  {
    name: 'export climbs',
    method: 'GET',
    path: '/api/orders.csv?filename=..%2F..%2Fetc%2Fpasswd',
    status: 400,
    says: /filename/,
  },
  {
    name: 'export NUL',
    method: 'GET',
    path: '/api/orders.csv?filename=orders%00.sh',
    status: 400,
    says: /filename/,
  },
  {
    name: 'export backslash',
    method: 'GET',
    path: '/api/meter-values.csv?pileId=1&filename=..%5C..%5Cwin',
    status: 400,
    says: /filename/,
  },
  {
    name: 'export header split',
    method: 'GET',
    path: '/api/orders.csv?filename=a%0D%0ASet-Cookie%3A%20x',
    status: 400,
    says: /filename/,
  },
  {
    name: 'export id slashes',
    method: 'GET',
    path: '/api/meter-values.csv?pileId=1%2F..%2F2',
    status: 400,
    says: /pileId/,
  },
  {
    name: 'encoded slashes in id',
    method: 'GET',
    path: '/api/piles/..%2F..%2Fetc%2Fpasswd',
    status: 400,
    says: /id/,
  },
  {
    name: 'dot-dot in tag',
    method: 'PUT',
    path: '/api/id-tags/%2E%2E',
    json: {},
    status: 404,
    says: /There is no PUT \/api\//,
  },
  { name: 'NUL in tag', method: 'PUT', path: '/api/id-tags/T%00X', json: {}, status: 400, says: /tag/ },
]

for (const engine of testEngines) {
  describe(`hostile input on ${engine.name}`, () => {
    let t: TestServer
    let cookie: string
    let pileId: number
    beforeAll(async () => {
      t = await startTestServer(engine)
      const pile = await insertPile(t.database.db, { dmid: 'SH-1', name: 'Shanghai' })
      pileId = pile.id
      await insertOrder(t.database.db, { pileId, state: 'settled' })
      const { signIn, adminPassword } = await import('./testing/harness.js')
      cookie = await signIn(t.url, 'admin', adminPassword)
    })
    afterAll(() => t?.close())

    it('refuses each with a 4xx that names the problem, and changes nothing', async () => {
      expect(pileId).toBe(1)
      const before = await snapshot(t.database)
      const answers: { name: string; status: number; code: string | undefined; ok: boolean }[] = []
      for (const c of cases) {
        const response = await t.admin.request(c.method, c.path, {
          ...(c.json === undefined ? {} : { json: c.json }),
          ...(c.body === undefined ? {} : { body: c.body }),
          ...(c.headers === undefined ? {} : { headers: c.headers }),
        })
        const body = (await response.json()) as { error?: { code: string; message: string } }
        const message = body.error?.message ?? ''
        answers.push({
          name: c.name,
          status: response.status,
          code: body.error?.code,
          ok: c.says.test(message),
        })
        expect({ name: c.name, status: response.status, message }).toMatchObject({
          name: c.name,
          status: c.status,
        })
        expect({ name: c.name, message, says: c.says.test(message) }).toMatchObject({ says: true })
      }
      expect(answers.filter((a) => a.status >= 500)).toEqual([])
      expect(await snapshot(t.database)).toEqual(before)
    })

    it('takes SQL metacharacters in a search as text: nothing matches, nothing changes', async () => {
      const before = await snapshot(t.database)
      for (const search of ["' OR 1=1; DROP TABLE piles; --", '%', '_', '\\', '"; delete from orders; --']) {
        const { status, body } = await t.admin.json<{ items: unknown[]; total: number }>(
          'GET',
          `/api/piles?search=${encodeURIComponent(search)}`,
        )
        expect({ search, status, total: body.total }).toEqual({ search, status: 200, total: 0 })
      }
      expect(await snapshot(t.database)).toEqual(before)
    })

    it('refuses an oversize body sent without a length (chunked)', async () => {
      const before = await snapshot(t.database)
      const chunk = new TextEncoder().encode(`{"name":"${big}"}`)
      const response = await fetch(`${t.url}/api/piles`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(chunk)
            controller.close()
          },
        }),
        duplex: 'half',
      } as RequestInit)
      expect(response.status).toBe(413)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
      expect(await snapshot(t.database)).toEqual(before)
    })

    it('never serves a file for a path that climbs, and names exports safely', async () => {
      for (const path of [
        '/api/orders.csv/../../../etc/passwd',
        '/api/../etc/passwd',
        '/api/docs/assets/../../../../etc/passwd',
      ]) {
        const response = await raw(t.url, 'GET', path, cookie)
        expect({ path, leaked: response.body.includes('root:') }).toEqual({ path, leaked: false })
        expect(response.status).toBeGreaterThanOrEqual(400)
      }
      const csv = await t.admin.request('GET', '/api/orders.csv?pileId=1&state=settled')
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="orders-pile-1-settled.csv"')
      await csv.text()
      const named = await t.admin.request('GET', '/api/orders.csv?filename=May.report_1')
      expect(named.headers.get('content-disposition')).toBe('attachment; filename="May.report_1.csv"')
      await named.text()
    })
  })
}
