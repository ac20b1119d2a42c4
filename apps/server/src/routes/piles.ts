import {
  createPile,
  type Database,
  deletePile,
  getPile,
  NotFoundError,
  pileSortColumns,
  searchPiles,
  subjectTransactions,
  updatePile,
} from '@chargechain/db'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../http/env.js'
import { toJson } from '../http/json.js'
import { errorResponses } from '../http/problems.js'
import { apiRoute } from '../http/route.js'
import {
  countText,
  currentTypeSchema,
  idText,
  PileSchema,
  PileViewSchema,
  TransactionSchema,
} from '../http/schemas.js'

const text = (max: number) => z.string().max(max)

/** The operator's fields of a pile; the registry's come from the chain only. */
export const PileInputSchema = z
  .strictObject({
    dmid: z
      .string()
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:/-]{0,63}$/u, 'must be 1–64 letters, digits, spaces or . _ : / -')
      .nullable(),
    name: text(200),
    site: text(200).nullable(),
    installedOn: z.iso.date('must be a day as YYYY-MM-DD').nullable(),
    brand: text(100).nullable(),
    model: text(100).nullable(),
    currentType: currentTypeSchema.nullable(),
    guns: z.number().int().min(1).max(16),
    ratedPowerW: z.number().int().min(1).max(2_000_000).nullable(),
    firmwareVersion: text(100).nullable(),
    latitude: z.number().min(-90).max(90).nullable(),
    longitude: z.number().min(-180).max(180).nullable(),
    address: text(500).nullable(),
  })
  .partial()
  .openapi('PileInput')

const PilePatchSchema = PileInputSchema.refine((patch) => Object.keys(patch).length > 0, {
  message: 'give at least one field to change',
}).openapi('PilePatch')

const PileDetailSchema = PileViewSchema.extend({
  transactions: z
    .array(TransactionSchema)
    .openapi({ description: 'The registry transactions behind its on-chain settings' }),
}).openapi('PileDetail')

const pileId = z.strictObject({ id: idText('id') })

const list = apiRoute({
  method: 'get',
  path: '/api/piles',
  tags: ['piles'],
  summary: 'Piles with their live state: searched, sorted by any column, paged by offset',
  request: {
    query: z.strictObject({
      search: z.string().max(100).optional(),
      sort: z.enum(Object.keys(pileSortColumns) as [keyof typeof pileSortColumns]).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      page: countText('page', 1, 1_000_000).optional().openapi({ description: 'from 1' }),
      pageSize: countText('pageSize', 1, 500).optional().openapi({ description: '1–500, 50 by default' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of piles and how many match',
      content: {
        'application/json': { schema: z.object({ items: z.array(PileViewSchema), total: z.number() }) },
      },
    },
  },
})

const create = apiRoute({
  method: 'post',
  path: '/api/piles',
  tags: ['piles'],
  summary: 'Adds a pile (its on-chain settings arrive from the chain)',
  request: { body: { required: true, content: { 'application/json': { schema: PileInputSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: PileSchema } } },
    ...errorResponses(409, 413),
  },
})

const read = apiRoute({
  method: 'get',
  path: '/api/piles/{id}',
  tags: ['piles'],
  summary: "A pile: its fields, connectors' live state, on-chain settings and their transactions",
  request: { params: pileId },
  responses: {
    200: { description: 'The pile', content: { 'application/json': { schema: PileDetailSchema } } },
    ...errorResponses(404),
  },
})

const update = apiRoute({
  method: 'patch',
  path: '/api/piles/{id}',
  tags: ['piles'],
  summary: "Changes a pile's fields (those given; null clears one)",
  request: {
    params: pileId,
    body: { required: true, content: { 'application/json': { schema: PilePatchSchema } } },
  },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: PileSchema } } },
    ...errorResponses(404, 409, 413),
  },
})

const remove = apiRoute({
  method: 'delete',
  path: '/api/piles/{id}',
  tags: ['piles'],
  summary: 'Deletes a pile that has no orders',
  request: { params: pileId },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(404, 409) },
})

export function registerPileRoutes(app: OpenAPIHono<AppEnv>, database: Database): void {
  const { db } = database

  app.openapi(list, async (c) => {
    const { search, sort, order, page = 1, pageSize = 50 } = c.req.valid('query')
    const result = await searchPiles(db, {
      search,
      sort,
      direction: order,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    })
    return c.json({ items: toJson(result.piles), total: result.total }, 200)
  })

  app.openapi(create, async (c) => {
    const pile = await createPile(db, c.req.valid('json'), c.get('actor'))
    return c.json(toJson(pile), 201)
  })

  app.openapi(read, async (c) => {
    const { id } = c.req.valid('param')
    const pile = await getPile(db, id)
    if (!pile) throw new NotFoundError(`pile ${id}`)
    const transactions = pile.chainPileId === null ? [] : await subjectTransactions(db, pile.chainPileId)
    return c.json(toJson({ ...pile, transactions }), 200)
  })

  app.openapi(update, async (c) => {
    const pile = await updatePile(db, c.req.valid('param').id, c.req.valid('json'), c.get('actor'))
    return c.json(toJson(pile), 200)
  })

  app.openapi(remove, async (c) => {
    await deletePile(db, c.req.valid('param').id, c.get('actor'))
    return c.body(null, 204)
  })
}
