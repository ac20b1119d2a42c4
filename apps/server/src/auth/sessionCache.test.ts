// The verified-session cache: a session is looked up once and then served from memory for 5 s (its row deleted
// behind the server's back still signs in until then, and not after); a logout, a role change and an account's
// deletion take effect on the next request. Breaks tried: dropping `sessions.forget(hash)` from the logout route
// (the cookie still signs in after logout); dropping `sessions.forgetAccount(id)` from the update route (the old
// role stays); `until > now` made `until > 0` in SessionCache.get (the deleted session never expires).
import { deleteLoginSession } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addAccount, client, signIn, startTestServer, type TestServer } from '../testing/harness.js'
import { secretHash } from './secrets.js'

for (const engine of testEngines) {
  describe(`session cache on ${engine.name}`, () => {
    let t: TestServer
    let clock = new Date('2026-06-01T12:00:00Z')
    beforeAll(async () => {
      t = await startTestServer(engine, { now: () => clock })
    }, 120_000)
    afterAll(() => t?.close())

    const signedIn = async (username: string, role: 'admin' | 'viewer') => {
      const account = await addAccount(t.database, username, `${username}-password-1`, role)
      const cookie = await signIn(t.url, username, `${username}-password-1`)
      return { account, cookie, api: client(t.url, { cookie }) }
    }

    it('serves a verified session from memory for 5 s, then looks it up again', async () => {
      const { cookie, api } = await signedIn('cached', 'viewer')
      expect((await api.json('GET', '/api/auth/me')).status).toBe(200)
      await deleteLoginSession(t.database.db, secretHash(cookie.slice('cc_session='.length)))
      clock = new Date(clock.getTime() + 4_000)
      expect((await api.json('GET', '/api/auth/me')).status).toBe(200)
      clock = new Date(clock.getTime() + 1_001)
      expect((await api.json('GET', '/api/auth/me')).status).toBe(401)
    })

    it('forgets a session at logout', async () => {
      const { api } = await signedIn('leaving', 'viewer')
      expect((await api.json('GET', '/api/auth/me')).status).toBe(200)
      expect((await api.request('POST', '/api/auth/logout')).status).toBe(204)
      expect((await api.json('GET', '/api/auth/me')).status).toBe(401)
    })

    it('sees a role change and a deleted account on the next request', async () => {
      const { account, api } = await signedIn('promoted', 'viewer')
      expect(await api.json('GET', '/api/auth/me')).toEqual({
        status: 200,
        body: { id: account.id, username: 'promoted', role: 'viewer' },
      })
      expect((await t.admin.json('PATCH', `/api/accounts/${account.id}`, { role: 'admin' })).status).toBe(200)
      expect(await api.json('GET', '/api/auth/me')).toEqual({
        status: 200,
        body: { id: account.id, username: 'promoted', role: 'admin' },
      })
      expect((await t.admin.request('DELETE', `/api/accounts/${account.id}`)).status).toBe(204)
      expect((await api.json('GET', '/api/auth/me')).status).toBe(401)
    })
  })
}
