import {
  createLoginSession,
  type Database,
  deleteExpiredLoginSessions,
  deleteLoginSession,
  findAccountForLogin,
  recordLogin,
} from '@chargechain/db'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { LoginLimiter } from '../auth/loginLimiter.js'
import { sessionCookie } from '../auth/middleware.js'
import { hashPassword, newSecret, secretHash, verifyPassword } from '../auth/secrets.js'
import type { SessionCache } from '../auth/sessionCache.js'
import { HttpProblem } from '../errors.js'
import type { AppEnv } from '../http/env.js'
import { toJson } from '../http/json.js'
import { errorResponses } from '../http/problems.js'
import { apiRoute } from '../http/route.js'
import { AccountSchema } from '../http/schemas.js'

export interface AuthRoutesOptions {
  database: Database
  limiter: LoginLimiter
  /** Set the cookie's Secure flag (served over TLS). */
  secureCookies: boolean
  /** The client's address: the socket's, or X-Forwarded-For's first when the server trusts its proxy. */
  clientAddress(c: Context<AppEnv>): string
  sessionTtlMs: number
  now(): Date
  /** Verified sessions; a logout forgets its own. */
  sessions: SessionCache
}

const MeSchema = AccountSchema.pick({ id: true, username: true, role: true }).openapi('Me')

const login = createRoute({
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Sign in: sets the http-only session cookie cc_session',
  security: [],
  'x-roles': [],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            username: z.string().min(1).max(64),
            password: z.string().min(1).max(256),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: MeSchema } } },
    ...errorResponses(400, 401, 413, 429),
  },
})

const logout = apiRoute(
  {
    method: 'post',
    path: '/api/auth/logout',
    tags: ['auth'],
    summary: 'Sign out: ends this session (viewers too)',
    responses: { 204: { description: 'Signed out' } },
  },
  { viewerWrites: true },
)

const me = apiRoute({
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'Who is signed in',
  responses: { 200: { description: 'The account', content: { 'application/json': { schema: MeSchema } } } },
})

export function registerAuthRoutes(app: OpenAPIHono<AppEnv>, options: AuthRoutesOptions): void {
  const { database, limiter } = options
  // Compared against when the username is unknown, so both answers take as long.
  const decoy = hashPassword(newSecret('cs'))

  app.openapi(login, async (c) => {
    const { username, password } = c.req.valid('json')
    const address = options.clientAddress(c)
    await limiter.check(username, address)
    const account = await findAccountForLogin(database.db, username)
    const ok = await verifyPassword(account?.passwordHash ?? (await decoy), password)
    if (!account || !ok) {
      await limiter.failed(username, address)
      throw new HttpProblem(401, 'unauthorized', 'Wrong username or password.')
    }
    await limiter.succeeded(username)
    const now = options.now()
    const secret = newSecret('cs')
    await deleteExpiredLoginSessions(database.db, now)
    await createLoginSession(database.db, {
      tokenHash: secretHash(secret),
      accountId: account.id,
      expiresAt: new Date(now.getTime() + options.sessionTtlMs),
    })
    await recordLogin(database.db, account.id, now)
    setCookie(c, sessionCookie, secret, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: options.secureCookies,
      path: '/',
      maxAge: Math.floor(options.sessionTtlMs / 1000),
    })
    return c.json({ id: account.id, username: account.username, role: account.role }, 200)
  })

  app.openapi(logout, async (c) => {
    const hash = c.get('sessionHash')
    if (hash !== undefined) {
      options.sessions.forget(hash)
      await deleteLoginSession(database.db, hash)
    }
    deleteCookie(c, sessionCookie, {
      path: '/',
      secure: options.secureCookies,
      httpOnly: true,
      sameSite: 'Lax',
    })
    return c.body(null, 204)
  })

  app.openapi(me, (c) => {
    const { id, username, role } = toJson(c.get('account'))
    return c.json({ id, username, role }, 200)
  })
}
