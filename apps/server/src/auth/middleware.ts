import { type Database, findLoginSession, useApiToken } from '@chargechain/db'
import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { forbidden, unauthorized } from '../errors.js'
import type { AppEnv } from '../http/env.js'
import { secretHash } from './secrets.js'
import type { SessionCache } from './sessionCache.js'

export const sessionCookie = 'cc_session'

/** Routes anyone may call: signing in, the health check and the API's own description. */
export const publicRoutes: readonly { method: string; path: RegExp }[] = [
  { method: 'POST', path: /^\/api\/auth\/login$/ },
  { method: 'GET', path: /^\/api\/health$/ },
  { method: 'GET', path: /^\/api\/openapi\.json$/ },
  { method: 'GET', path: /^\/api\/docs(\/assets\/swagger-ui-dist\/swagger-ui(-bundle\.js|\.css))?$/ },
]

/** Writes a viewer may make: signing itself out. */
const viewerWrites: readonly { method: string; path: string }[] = [
  { method: 'POST', path: '/api/auth/logout' },
]

const reads = new Set(['GET', 'HEAD'])

/**
 * Every /api route but the public ones needs a signed-in account: a Bearer API token, or the session cookie.
 * A viewer only reads. New routes are protected without saying so; the security test lists them all. A session
 * verified in the last few seconds is taken from `sessions` rather than looked up again.
 */
export function authenticate(database: Database, now: () => Date, sessions: SessionCache) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { method, path } = c.req
    if (publicRoutes.some((route) => route.method === method && route.path.test(path))) return next()
    const header = c.req.header('authorization')
    let sessionHash: string | undefined
    let account: AppEnv['Variables']['account'] | undefined
    if (header !== undefined) {
      const token = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header)?.[1]
      if (token) account = await useApiToken(database.db, secretHash(token), now())
    } else {
      const cookie = getCookie(c, sessionCookie)
      if (cookie && /^[A-Za-z0-9_-]{1,200}$/.test(cookie)) {
        sessionHash = secretHash(cookie)
        const at = now()
        account = sessions.get(sessionHash, at)
        if (!account) {
          account = await findLoginSession(database.db, sessionHash, at)
          if (account) sessions.set(sessionHash, account, at)
        }
      }
    }
    if (!account) throw unauthorized()
    if (
      account.role !== 'admin' &&
      !reads.has(method) &&
      !viewerWrites.some((w) => w.method === method && w.path === path)
    )
      throw forbidden('A viewer account only reads')
    c.set('account', account)
    c.set('actor', { accountId: account.id, name: account.username })
    c.set('sessionHash', sessionHash)
    return next()
  })
}

/** For reads that only an admin may make (accounts, the audit log). */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('account').role !== 'admin') throw forbidden('Only an admin may see this')
  return next()
})
