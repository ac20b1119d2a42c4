import {
  type Database,
  getOrder,
  iterateMeterValues,
  iterateOrders,
  listMeterValues,
  listOrders,
  type MeterValue,
  NotFoundError,
  type OrderView,
} from '@chargechain/db'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import { attachmentName, type CsvValue, csvStream } from '../http/csv.js'
import type { AppEnv } from '../http/env.js'
import { toJson } from '../http/json.js'
import { errorResponses } from '../http/problems.js'
import { apiRoute } from '../http/route.js'
import {
  addressText,
  countText,
  idText,
  MeterValueSchema,
  OrderSchema,
  orderKindSchema,
  orderStateSchema,
  TransactionSchema,
  timeText,
} from '../http/schemas.js'
import type { ServerLogger } from '../logger.js'

const cursorText = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be a nextCursor this list handed out')

/** A download name: letters, digits, dot, dash, underscore; nothing that could name a path. */
const filenameText = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'may hold only letters, digits, . _ - (no path), at most 100')
  .optional()
  .openapi({ description: 'The download name without .csv' })

const orderFilter = {
  pileId: idText('pileId').optional(),
  vehicle: addressText.optional(),
  state: orderStateSchema.optional(),
  kind: orderKindSchema.optional(),
  from: timeText.optional().openapi({ description: 'Opened at or after' }),
  to: timeText.optional().openapi({ description: 'Opened before' }),
  sort: z.enum(['openedAt', 'energyWh']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
}

const meterFilter = {
  pileId: idText('pileId').optional(),
  orderId: idText('orderId').optional(),
  from: timeText.optional().openapi({ description: 'Measured at or after' }),
  to: timeText.optional().openapi({ description: 'Measured before' }),
}

const needsSubject = (query: { pileId?: number; orderId?: number }) =>
  query.pileId !== undefined || query.orderId !== undefined
const subjectMessage = { message: 'give pileId or orderId' }

const csv = { 'text/csv': { schema: z.string() } }

const listOrdersRoute = apiRoute({
  method: 'get',
  path: '/api/orders',
  tags: ['orders'],
  summary: 'Orders filtered by pile, vehicle, state, kind and time; sorted; paged by cursor',
  request: {
    query: z.strictObject({
      ...orderFilter,
      limit: countText('limit', 1, 1000).optional().openapi({ description: '1–1000, 50 by default' }),
      cursor: cursorText.optional(),
    }),
  },
  responses: {
    200: {
      description: 'A page; nextCursor is null on the last',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(OrderSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
  },
})

const ordersCsvRoute = apiRoute({
  method: 'get',
  path: '/api/orders.csv',
  tags: ['orders'],
  summary: "The filtered orders as CSV, streamed (the list's filters, no paging)",
  request: { query: z.strictObject({ ...orderFilter, filename: filenameText }) },
  responses: { 200: { description: 'CSV', content: csv } },
})

const getOrderRoute = apiRoute({
  method: 'get',
  path: '/api/orders/{id}',
  tags: ['orders'],
  summary: 'An order with its chain transactions',
  request: { params: z.strictObject({ id: idText('id') }) },
  responses: {
    200: {
      description: 'The order',
      content: {
        'application/json': {
          schema: z
            .object({ order: OrderSchema, transactions: z.array(TransactionSchema) })
            .openapi('OrderDetail'),
        },
      },
    },
    ...errorResponses(404),
  },
})

const listMeterRoute = apiRoute({
  method: 'get',
  path: '/api/meter-values',
  tags: ['meter values'],
  summary: "A pile's or an order's readings in time order, flagged ones with their flag; paged by cursor",
  request: {
    query: z
      .strictObject({
        ...meterFilter,
        limit: countText('limit', 1, 5000).optional().openapi({ description: '1–5000, 500 by default' }),
        cursor: cursorText.optional(),
      })
      .refine(needsSubject, subjectMessage),
  },
  responses: {
    200: {
      description: 'A page',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(MeterValueSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
  },
})

const meterCsvRoute = apiRoute({
  method: 'get',
  path: '/api/meter-values.csv',
  tags: ['meter values'],
  summary: "A pile's or an order's readings as CSV, streamed",
  request: {
    query: z.strictObject({ ...meterFilter, filename: filenameText }).refine(needsSubject, subjectMessage),
  },
  responses: { 200: { description: 'CSV', content: csv } },
})

const orderColumns = [
  'id',
  'kind',
  'pileId',
  'connector',
  'state',
  'openedAt',
  'endedAt',
  'vehicle',
  'idTag',
  'operator',
  'sessionId',
  'channelId',
  'energyWh',
  'chargingSeconds',
  'idleSeconds',
  'currency',
  'deposit',
  'amountDue',
  'amountReceived',
  'refund',
  'stopReason',
  'pending',
] as const satisfies readonly (keyof OrderView)[]

const meterColumns = [
  'id',
  'pileId',
  'connector',
  'orderId',
  'measuredAt',
  'receivedAt',
  'energyWh',
  'powerW',
  'voltageV',
  'currentA',
  'flag',
] as const satisfies readonly (keyof MeterValue)[]

export function registerOrderRoutes(
  app: OpenAPIHono<AppEnv>,
  database: Database,
  logger: ServerLogger,
): void {
  const { db } = database
  const filterOf = (query: { from?: Date; to?: Date; order?: 'asc' | 'desc' } & Record<string, unknown>) => {
    const { from, to, order, ...rest } = query
    return { ...rest, openedFrom: from, openedBefore: to, direction: order }
  }
  const streamFailed = (what: string) => (error: unknown) =>
    logger.error({ err: error }, `${what} export failed`)

  app.openapi(listOrdersRoute, async (c) => {
    const { pileId, vehicle, state, kind, from, to, sort, order, limit, cursor } = c.req.valid('query')
    const page = await listOrders(db, {
      ...filterOf({ pileId, vehicle, state, kind, from, to, sort, order }),
      limit,
      cursor,
    })
    return c.json({ items: toJson(page.orders), nextCursor: page.nextCursor ?? null }, 200)
  })

  app.openapi(ordersCsvRoute, (c) => {
    const { filename, pileId, vehicle, state, kind, from, to, sort, order } = c.req.valid('query')
    const rows = iterateOrders(db, filterOf({ pileId, vehicle, state, kind, from, to, sort, order }))
    const body = csvStream(
      orderColumns,
      rows,
      (row) => orderColumns.map((key): CsvValue => row[key]),
      streamFailed('orders'),
    )
    const name = filename ?? ['orders', pileId && `pile-${pileId}`, state, kind].filter(Boolean).join('-')
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': attachmentName(name),
    })
  })

  app.openapi(getOrderRoute, async (c) => {
    const { id } = c.req.valid('param')
    const detail = await getOrder(db, id)
    if (!detail) throw new NotFoundError(`order ${id}`)
    return c.json(toJson(detail), 200)
  })

  app.openapi(listMeterRoute, async (c) => {
    const { pileId, orderId, from, to, limit, cursor } = c.req.valid('query')
    const page = await listMeterValues(db, { pileId, orderId, from, before: to, limit, cursor })
    return c.json({ items: toJson(page.meterValues), nextCursor: page.nextCursor ?? null }, 200)
  })

  app.openapi(meterCsvRoute, (c) => {
    const { filename, pileId, orderId, from, to } = c.req.valid('query')
    const rows = iterateMeterValues(db, { pileId, orderId, from, before: to })
    const body = csvStream(
      meterColumns,
      rows,
      (row) => meterColumns.map((key): CsvValue => row[key]),
      streamFailed('meter values'),
    )
    const name = filename ?? ['meter-values', orderId ? `order-${orderId}` : `pile-${pileId}`].join('-')
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': attachmentName(name),
    })
  })
}
