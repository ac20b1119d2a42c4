import {
  addCharger,
  chargerView,
  type Database,
  listChargers,
  listIdTags,
  putIdTag,
  removeCharger,
  removeIdTag,
  setChargerPassword,
} from '@chargechain/db'
import { hashChargerPassword } from '@chargechain/ocpp'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../http/env.js'
import { toJson } from '../http/json.js'
import { errorResponses } from '../http/problems.js'
import { apiRoute } from '../http/route.js'
import { ChargerSchema, IdTagSchema, idTagStatusSchema, timeText } from '../http/schemas.js'

/** A charge point identity as it appears in ws://host/ocpp/ID: no slash, no dot first, 48 at most (OCPP's). */
export const chargerIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,47}$/,
    'must be 1–48 letters, digits or _ . : -, starting with a letter or digit',
  )

/** An RFID card's id (OCPP IdToken, 20 characters at most). */
export const idTagSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,19}$/,
    'must be 1–20 letters, digits or _ . : -, starting with a letter or digit',
  )

/** OCPP 1.6 basic auth passwords: 16–40 characters (we accept 8–40). */
export const chargerPasswordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(40, 'must be at most 40 characters')

const chargerParam = z.strictObject({ id: chargerIdSchema.openapi({ param: { name: 'id' } }) })
const tagParam = z.strictObject({ tag: idTagSchema.openapi({ param: { name: 'tag' } }) })

const listChargersRoute = apiRoute({
  method: 'get',
  path: '/api/chargers',
  tags: ['chargers'],
  summary: 'OCPP chargers: identity, pile, whether connected now, last connection (never the password)',
  responses: {
    200: { description: 'Chargers', content: { 'application/json': { schema: z.array(ChargerSchema) } } },
  },
})

const addChargerRoute = apiRoute({
  method: 'post',
  path: '/api/chargers',
  tags: ['chargers'],
  summary: "Registers a pile's OCPP identity and password (HTTP basic auth, stored hashed)",
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            id: chargerIdSchema,
            pileId: z.number().int().positive(),
            password: chargerPasswordSchema,
          }),
        },
      },
    },
  },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: ChargerSchema } } },
    ...errorResponses(409, 413),
  },
})

const removeChargerRoute = apiRoute({
  method: 'delete',
  path: '/api/chargers/{id}',
  tags: ['chargers'],
  summary: 'Removes a charger: it can no longer connect',
  request: { params: chargerParam },
  responses: { 204: { description: 'Removed' }, ...errorResponses(404) },
})

const passwordRoute = apiRoute({
  method: 'put',
  path: '/api/chargers/{id}/password',
  tags: ['chargers'],
  summary: "Sets a charger's password",
  request: {
    params: chargerParam,
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ password: chargerPasswordSchema }) } },
    },
  },
  responses: { 204: { description: 'Set' }, ...errorResponses(404, 413) },
})

const listTagsRoute = apiRoute({
  method: 'get',
  path: '/api/id-tags',
  tags: ['id tags'],
  summary: 'RFID cards a third-party charger may start with (an unknown one is Invalid)',
  responses: {
    200: { description: 'Cards', content: { 'application/json': { schema: z.array(IdTagSchema) } } },
  },
})

const putTagRoute = apiRoute({
  method: 'put',
  path: '/api/id-tags/{tag}',
  tags: ['id tags'],
  summary: 'Adds or replaces a card (fields left out are cleared)',
  request: {
    params: tagParam,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            status: idTagStatusSchema.optional(),
            expiresAt: timeText.nullable().optional(),
            parentTag: idTagSchema.nullable().optional(),
            label: z.string().max(200).nullable().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'Stored', content: { 'application/json': { schema: IdTagSchema } } },
    ...errorResponses(413),
  },
})

const removeTagRoute = apiRoute({
  method: 'delete',
  path: '/api/id-tags/{tag}',
  tags: ['id tags'],
  summary: 'Removes a card',
  request: { params: tagParam },
  responses: { 204: { description: 'Removed' }, ...errorResponses(404) },
})

/** `instanceLapseMs`: the OCPP instances' lapse, after which a silent instance's chargers are not connected. */
export function registerChargerRoutes(
  app: OpenAPIHono<AppEnv>,
  database: Database,
  instanceLapseMs?: number,
): void {
  const { db } = database

  app.openapi(listChargersRoute, async (c) => c.json(toJson(await listChargers(db, instanceLapseMs)), 200))

  app.openapi(addChargerRoute, async (c) => {
    const { id, pileId, password } = c.req.valid('json')
    const charger = await addCharger(
      db,
      { id, pileId, passwordHash: await hashChargerPassword(password) },
      c.get('actor'),
    )
    return c.json(toJson(chargerView(charger)), 201)
  })

  app.openapi(removeChargerRoute, async (c) => {
    await removeCharger(db, c.req.valid('param').id, c.get('actor'))
    return c.body(null, 204)
  })

  app.openapi(passwordRoute, async (c) => {
    const { password } = c.req.valid('json')
    await setChargerPassword(db, c.req.valid('param').id, await hashChargerPassword(password), c.get('actor'))
    return c.body(null, 204)
  })

  app.openapi(listTagsRoute, async (c) => c.json(toJson(await listIdTags(db)), 200))

  app.openapi(putTagRoute, async (c) => {
    const tag = await putIdTag(db, { tag: c.req.valid('param').tag, ...c.req.valid('json') }, c.get('actor'))
    return c.json(toJson(tag), 200)
  })

  app.openapi(removeTagRoute, async (c) => {
    await removeIdTag(db, c.req.valid('param').tag, c.get('actor'))
    return c.body(null, 204)
  })
}
