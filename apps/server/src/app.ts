import { type Database, ping } from '@chargechain/db'
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import { createLoginLimiter, type LoginLimits } from './auth/loginLimiter.js'
import { authenticate } from './auth/middleware.js'
import { SessionCache } from './auth/sessionCache.js'
import { HttpProblem } from './errors.js'
import type { AppEnv } from './http/env.js'
import { errorHandler, problemBody, validationHook } from './http/problems.js'
import type { LiveHub } from './live/hub.js'
import { type ServerLogger, silentLogger } from './logger.js'
import type { ChargerCommands } from './ocpp.js'
import { registerAccountRoutes } from './routes/accounts.js'
import { type DashboardConfig, registerAuditRoutes } from './routes/audit.js'
import { registerAuthRoutes } from './routes/auth.js'
import { registerChargerRoutes } from './routes/chargers.js'
import { registerCommandRoutes } from './routes/commands.js'
import { registerMetaRoutes } from './routes/docs.js'
import { registerLiveRoute } from './routes/live.js'
import { registerOrderRoutes } from './routes/orders.js'
import { registerPileRoutes } from './routes/piles.js'
import { registerTotalsRoutes } from './routes/totals.js'

export interface AppOptions {
  database: Database
  /** The OCPP endpoint's commands; without them, remote commands answer 503 charger_offline. */
  commands?: ChargerCommands
  /** The shared listener the live stream (GET /api/live) serves from. */
  live?: LiveHub
  /** Comment lines on the live stream this often (15 s by default). */
  liveHeartbeatMs?: number
  logger?: ServerLogger
  /** Mark the session cookie Secure (the server is reached over TLS). */
  secureCookies?: boolean
  loginLimits?: LoginLimits
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean
  /** Largest request body, bytes (64 KiB by default). */
  maxBodyBytes?: number
  /** How long a sign-in lasts (7 days by default). */
  sessionTtlMs?: number
  now?: () => Date
  /** What GET /api/config tells the dashboard (map tiles, explorer, currency symbols). */
  dashboard?: DashboardConfig
  /** The OCPP instances' lapse (`OcppSettings.instanceLapseMs`): a charger's `connected` follows it. */
  instanceLapseMs?: number
}

/** The API as a Hono app: every route validated and in the OpenAPI document, every error `{ error }`. */
export function createApp(options: AppOptions): OpenAPIHono<AppEnv> {
  const { database } = options
  const logger = options.logger ?? silentLogger
  const now = options.now ?? (() => new Date())
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  app.onError(errorHandler(logger))
  app.notFound((c) =>
    c.json(
      problemBody('not_found', `There is no ${c.req.method} ${c.req.path}; see /api/docs for the API.`),
      404,
    ),
  )

  app.use('/api/*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }))
  const maxSize = options.maxBodyBytes ?? 64 * 1024
  app.use(
    '/api/*',
    bodyLimit({
      maxSize,
      onError: () => {
        throw new HttpProblem(
          413,
          'payload_too_large',
          `The body is larger than ${maxSize} bytes; send less.`,
        )
      },
    }),
  )
  const sessions = new SessionCache()
  app.use('/api/*', authenticate(database, now, sessions))

  registerMetaRoutes(app, () => ping(database.db), database.engine)
  registerAuthRoutes(app, {
    database,
    limiter: createLoginLimiter(options.loginLimits),
    secureCookies: options.secureCookies ?? false,
    clientAddress: (c) => clientAddress(c, options.trustProxy ?? false),
    sessionTtlMs: options.sessionTtlMs ?? 7 * 24 * 3600_000,
    now,
    sessions,
  })
  registerAccountRoutes(app, database, sessions)
  registerPileRoutes(app, database)
  registerCommandRoutes(app, database, options.commands)
  registerOrderRoutes(app, database, logger)
  registerTotalsRoutes(app, database, now)
  registerChargerRoutes(app, database, options.instanceLapseMs)
  registerAuditRoutes(app, database, options.dashboard ?? {})
  registerLiveRoute(app, {
    hub: options.live,
    heartbeatMs: options.liveHeartbeatMs ?? 15_000,
    maxBacklog: 1000,
  })
  return app
}

function clientAddress(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  return c.env?.incoming?.socket.remoteAddress ?? 'unknown'
}
