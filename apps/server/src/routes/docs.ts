import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { swaggerUI } from '@hono/swagger-ui'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../http/env.js'

/** Where the docs page loads swagger-ui from: this server, so it works without internet. */
const assetsBase = '/api/docs/assets'
const assets = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const

const health = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['meta'],
  summary: 'Whether the server and its database answer (no sign-in needed)',
  security: [],
  'x-roles': [],
  responses: {
    200: {
      description: 'Up',
      content: {
        'application/json': {
          schema: z.object({ ok: z.literal(true), database: z.enum(['pglite', 'postgres']) }),
        },
      },
    },
  },
})

export function registerMetaRoutes(
  app: OpenAPIHono<AppEnv>,
  ping: () => Promise<void>,
  engine: 'pglite' | 'postgres',
): void {
  app.openapi(health, async (c) => {
    await ping()
    return c.json({ ok: true as const, database: engine }, 200)
  })

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cc_session',
    description: 'Set by POST /api/auth/login',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'token', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token from POST /api/tokens',
  })
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'ChargeChain management API',
      version: '1',
      description:
        'Piles, orders, meter values, totals, disputes, chargers, id tags, remote commands, accounts and the live ' +
        'stream. Errors are `{ "error": { "code", "message" } }`. Amounts are wei as decimal strings, times ISO ' +
        'strings. Sign in with POST /api/auth/login (cookie) or send an API token as a Bearer header; a viewer ' +
        'only reads.',
    },
  })

  app.get('/api/docs', swaggerUI({ url: '/api/openapi.json', baseUrl: assetsBase, title: 'ChargeChain API' }))
  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const cache = new Map<string, Promise<Buffer>>()
  for (const [file, type] of Object.entries(assets))
    app.get(`${assetsBase}/swagger-ui-dist/${file}`, async (c) => {
      let body = cache.get(file)
      if (!body) {
        body = readFile(join(root, file))
        cache.set(file, body)
      }
      return c.body(new Uint8Array(await body), 200, {
        'content-type': type,
        'cache-control': 'public, max-age=86400',
      })
    })
}
