// Accounts: sign-in is rate-limited per username and per address (429 with Retry-After, even for the right
// password); the session cookie is HttpOnly, SameSite=Lax, Path=/ (Secure over TLS is set by createServer from
// `tls`); API tokens work as Bearer and stop when revoked; and creating, changing and deleting a pile writes audit
// rows with who, before and after. Breaks tried: `limiter.check` moved after the password check (the right
// password then gets in while limited); `httpOnly: false` on the cookie; dropping writeAudit from updatePile (the
// audit rows lose the update).
import { listAuditLog } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminPassword, client, startTestServer, type TestServer } from './testing/harness.js'

for (const engine of testEngines) {
  describe(`accounts on ${engine.name}`, () => {
    let t: TestServer
    beforeAll(async () => {
      t = await startTestServer(engine, {
        loginLimits: { perUsername: 3, perAddress: 6, windowSeconds: 600 },
      })
    })
    afterAll(() => t?.close())

    it('sets an http-only, SameSite=Lax session cookie and answers who is signed in', async () => {
      const response = await t.anonymous.request('POST', '/api/auth/login', {
        json: { username: 'admin', password: adminPassword },
      })
      expect(response.status).toBe(200)
      const cookie = response.headers.get('set-cookie') ?? ''
      const [pair, ...attributes] = cookie.split('; ')
      expect(pair).toMatch(/^cc_session=cs_[A-Za-z0-9_-]{43}$/)
      expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=604800', 'Path=/', 'SameSite=Lax'])
      const me = await client(t.url, { cookie: pair }).json('GET', '/api/auth/me')
      expect(me).toEqual({ status: 200, body: { id: 1, username: 'admin', role: 'admin' } })
    })

    it('limits failed sign-ins per username: the right password is refused too until the window passes', async () => {
      const wrong = { username: 'viewer', password: 'not-the-password' }
      for (let i = 0; i < 3; i++)
        expect((await t.anonymous.json('POST', '/api/auth/login', wrong)).status).toBe(401)
      const limited = await t.anonymous.request('POST', '/api/auth/login', {
        json: { username: 'viewer', password: 'viewer-password-1' },
      })
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(590)
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited')
      // Another account from the same address still signs in (3 failures < 6 per address).
      expect(
        (await t.anonymous.json('POST', '/api/auth/login', { username: 'admin', password: adminPassword }))
          .status,
      ).toBe(200)
    })

    it('limits failed sign-ins per address across usernames', async () => {
      for (const username of ['nobody-1', 'nobody-2', 'nobody-3']) {
        const { status } = await t.anonymous.json('POST', '/api/auth/login', {
          username,
          password: 'guess-guess',
        })
        expect({ username, status }).toEqual({ username, status: 401 })
      }
      // 3 (viewer) + 3 (nobody) = 6 failures from this address: now even the admin is refused from it.
      const limited = await t.anonymous.json<{ error: { message: string } }>('POST', '/api/auth/login', {
        username: 'admin',
        password: adminPassword,
      })
      expect(limited.status).toBe(429)
      expect(limited.body.error.message).toMatch(/Too many failed sign-ins/)
    })

    it('signs scripts in with an API token until it is revoked', async () => {
      const created = await t.admin.json<{ id: number; token: string; name: string }>('POST', '/api/tokens', {
        name: 'export script',
      })
      expect(created.status).toBe(201)
      expect(created.body.token).toMatch(/^cct_[A-Za-z0-9_-]{43}$/)
      const script = client(t.url, { token: created.body.token })
      expect(await script.json('GET', '/api/auth/me')).toEqual({
        status: 200,
        body: { id: 1, username: 'admin', role: 'admin' },
      })
      const listed = await t.admin.json<{ id: number; lastUsedAt: string | null }[]>('GET', '/api/tokens')
      expect(listed.body.find((token) => token.id === created.body.id)?.lastUsedAt).not.toBeNull()
      expect(JSON.stringify(listed.body)).not.toContain(created.body.token)
      expect((await t.admin.request('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204)
      expect((await script.json('GET', '/api/auth/me')).status).toBe(401)
    })

    it('logs who created, changed and deleted a pile, with the row before and after', async () => {
      const created = await t.admin.json<{ id: number }>('POST', '/api/piles', {
        dmid: 'BJ-7',
        name: 'Beijing',
        guns: 2,
      })
      expect(created.status).toBe(201)
      const id = created.body.id
      expect(
        (await t.admin.json('PATCH', `/api/piles/${id}`, { name: 'Beijing West', ratedPowerW: 22000 }))
          .status,
      ).toBe(200)
      expect((await t.admin.request('DELETE', `/api/piles/${id}`)).status).toBe(204)
      const log = (await listAuditLog(t.database.db, { subject: `pile:${id}` })).reverse()
      expect(log.map((entry) => [entry.action, entry.actor, entry.accountId])).toEqual([
        ['pile.create', 'admin', 1],
        ['pile.update', 'admin', 1],
        ['pile.delete', 'admin', 1],
      ])
      const [create, update, remove] = log
      expect(create?.before).toBeNull()
      expect(create?.after).toMatchObject({ id, dmid: 'BJ-7', name: 'Beijing', guns: 2, ratedPowerW: null })
      expect(update?.before).toMatchObject({ name: 'Beijing', ratedPowerW: null })
      expect(update?.after).toMatchObject({ name: 'Beijing West', ratedPowerW: 22000 })
      expect(remove?.before).toMatchObject({ name: 'Beijing West' })
      expect(remove?.after).toBeNull()
      // The API shows the same log to an admin, newest first.
      const api = await t.admin.json<{ action: string }[]>('GET', `/api/audit?subject=pile:${id}`)
      expect(api.body.map((entry) => entry.action)).toEqual(['pile.delete', 'pile.update', 'pile.create'])
    })

    it('keeps one admin: the last cannot be demoted or deleted', async () => {
      const demote = await t.admin.json<{ error: { code: string } }>('PATCH', '/api/accounts/1', {
        role: 'viewer',
      })
      expect(demote).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } })
      expect((await t.admin.json('DELETE', '/api/accounts/1')).status).toBe(409)
    })
  })
}
