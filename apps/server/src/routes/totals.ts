import {
  countPilesByState,
  type DailyTotal,
  type Database,
  dailyTotals,
  getDispute,
  type Hex,
  listDisputes,
  NotFoundError,
} from '@chargechain/db'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../http/env.js'
import { toJson } from '../http/json.js'
import { errorResponses } from '../http/problems.js'
import { apiRoute } from '../http/route.js'
import {
  addressText,
  DailyTotalSchema,
  DisputeSchema,
  dayText,
  disputeStateSchema,
  idText,
  meterFlagSchema,
  RevenueSchema,
} from '../http/schemas.js'

/** The longest range of daily totals one request may ask for. */
const maxDays = 1000

const FiguresSchema = z
  .object({ sessions: z.number(), energyWh: z.number(), revenue: z.array(RevenueSchema) })
  .openapi('Figures')

const overviewRoute = apiRoute({
  method: 'get',
  path: '/api/overview',
  tags: ['overview'],
  summary: "Piles by state; today's and this month's sessions, energy and revenue per currency (UTC days)",
  responses: {
    200: {
      description: 'The fleet at a glance',
      content: {
        'application/json': {
          schema: z
            .object({
              piles: z.object({
                online: z.number(),
                charging: z.number(),
                faulted: z.number(),
                offline: z.number(),
              }),
              today: FiguresSchema,
              month: FiguresSchema,
            })
            .openapi('Overview'),
        },
      },
    },
  },
})

const dailyRoute = apiRoute({
  method: 'get',
  path: '/api/totals/daily',
  tags: ['totals'],
  summary:
    'Daily totals of a pile, an operator or the fleet: sessions, Wh, revenue per currency (days that had any)',
  request: {
    query: z
      .strictObject({
        pileId: idText('pileId').optional(),
        operator: addressText.optional(),
        from: dayText,
        to: dayText,
      })
      .refine((query) => query.pileId === undefined || query.operator === undefined, {
        message: 'give pileId or operator, not both',
      })
      .refine((query) => query.from <= query.to, { message: 'from must not be after to' })
      .refine((query) => Date.parse(query.to) - Date.parse(query.from) < maxDays * 86_400_000, {
        message: `at most ${maxDays} days at a time`,
      }),
  },
  responses: {
    200: {
      description: 'Days, oldest first',
      content: { 'application/json': { schema: z.array(DailyTotalSchema) } },
    },
  },
})

const disputesRoute = apiRoute({
  method: 'get',
  path: '/api/disputes',
  tags: ['disputes'],
  summary: 'Disputes in a state (open by default), those closing first first, with their orders',
  request: { query: z.strictObject({ state: disputeStateSchema.optional() }) },
  responses: {
    200: { description: 'Disputes', content: { 'application/json': { schema: z.array(DisputeSchema) } } },
  },
})

const disputeRoute = apiRoute({
  method: 'get',
  path: '/api/disputes/{orderId}',
  tags: ['disputes'],
  summary: "A dispute's evidence: the voucher, the claim, the order and its meter readings",
  request: { params: z.strictObject({ orderId: idText('orderId') }) },
  responses: {
    200: {
      description: 'The dispute',
      content: {
        'application/json': {
          schema: DisputeSchema.extend({
            readings: z.array(
              z.object({
                measuredAt: z.string(),
                energyWh: z.number(),
                powerW: z.number().nullable(),
                flag: meterFlagSchema.nullable(),
              }),
            ),
          }).openapi('DisputeEvidence'),
        },
      },
    },
    ...errorResponses(404),
  },
})

export function registerTotalsRoutes(app: OpenAPIHono<AppEnv>, database: Database, now: () => Date): void {
  const { db } = database

  app.openapi(overviewRoute, async (c) => {
    const today = now().toISOString().slice(0, 10)
    const monthStart = `${today.slice(0, 8)}01`
    const [piles, days] = await Promise.all([
      countPilesByState(db),
      dailyTotals(db, { from: monthStart, to: today }),
    ])
    return c.json(
      {
        piles,
        today: toJson(sum(days.filter((day) => day.day === today))),
        month: toJson(sum(days)),
      },
      200,
    )
  })

  app.openapi(dailyRoute, async (c) => {
    const { pileId, operator, from, to } = c.req.valid('query')
    return c.json(toJson(await dailyTotals(db, { pileId, operator, from, to })), 200)
  })

  app.openapi(disputesRoute, async (c) => {
    const rows = await listDisputes(db, c.req.valid('query').state)
    return c.json(toJson(rows), 200)
  })

  app.openapi(disputeRoute, async (c) => {
    const { orderId } = c.req.valid('param')
    const dispute = await getDispute(db, orderId)
    if (!dispute) throw new NotFoundError(`dispute for order ${orderId}`)
    return c.json(toJson(dispute), 200)
  })
}

/** Days added up: sessions, energy, and revenue per currency. */
function sum(days: readonly DailyTotal[]) {
  const revenue = new Map<Hex | null, bigint>()
  let sessions = 0
  let energyWh = 0
  for (const day of days) {
    sessions += day.sessions
    energyWh += day.energyWh
    for (const entry of day.revenue)
      revenue.set(entry.currency, (revenue.get(entry.currency) ?? 0n) + entry.amount)
  }
  return {
    sessions,
    energyWh,
    revenue: [...revenue].map(([currency, amount]) => ({ currency, amount })),
  }
}
