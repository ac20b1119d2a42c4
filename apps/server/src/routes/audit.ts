import { type Database, listAuditLog } from '@chargechain/db'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../http/env.js'
import { toJson } from '../http/json.js'
import { apiRoute } from '../http/route.js'
import { AuditEntrySchema, countText, idText } from '../http/schemas.js'

/** What the dashboard is told about the server's setting-up (map tiles, explorer links, currency names). */
export interface DashboardConfig {
  tileUrl?: string | null
  tileAttribution?: string | null
  explorerUrl?: string | null
  currencies?: Record<string, { symbol: string; decimals: number }>
}

const auditRoute = apiRoute(
  {
    method: 'get',
    path: '/api/audit',
    tags: ['audit'],
    summary: 'Every change, newest first: who, what, the row before and after (secrets left out)',
    request: {
      query: z.strictObject({
        subject: z
          .string()
          .regex(/^[a-z]+:[A-Za-z0-9_.:-]{1,64}$/, 'must be a subject such as pile:12')
          .optional(),
        beforeId: idText('beforeId').optional().openapi({ description: 'The last id of the previous page' }),
        limit: countText('limit', 1, 1000).optional(),
      }),
    },
    responses: {
      200: { description: 'Entries', content: { 'application/json': { schema: z.array(AuditEntrySchema) } } },
    },
  },
  { adminOnly: true },
)

const configRoute = apiRoute({
  method: 'get',
  path: '/api/config',
  tags: ['meta'],
  summary: "The dashboard's settings: map tiles, block explorer, currency symbols",
  responses: {
    200: {
      description: 'Settings',
      content: {
        'application/json': {
          schema: z
            .object({
              tileUrl: z.string().nullable(),
              tileAttribution: z.string().nullable(),
              explorerUrl: z.string().nullable(),
              currencies: z.record(z.string(), z.object({ symbol: z.string(), decimals: z.number() })),
            })
            .openapi('ServerConfig'),
        },
      },
    },
  },
})

export function registerAuditRoutes(
  app: OpenAPIHono<AppEnv>,
  database: Database,
  config: DashboardConfig,
): void {
  app.openapi(auditRoute, async (c) =>
    c.json(toJson(await listAuditLog(database.db, c.req.valid('query'))), 200),
  )
  app.openapi(configRoute, (c) =>
    c.json(
      {
        tileUrl: config.tileUrl ?? null,
        tileAttribution: config.tileAttribution ?? null,
        explorerUrl: config.explorerUrl ?? null,
        currencies: config.currencies ?? {},
      },
      200,
    ),
  )
}
