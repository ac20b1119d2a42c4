import { type Database, getPile, NotFoundError, type PileView, writeAudit } from '@chargechain/db'
import type { ChargerAction } from '@chargechain/ocpp'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { HttpProblem } from '../errors.js'
import type { AppEnv } from '../http/env.js'
import { errorResponses } from '../http/problems.js'
import { apiRoute } from '../http/route.js'
import { idText } from '../http/schemas.js'
import { type ChargerCommands, noChargers } from '../ocpp.js'

const pileParam = z.strictObject({ id: idText('id') })
const connector = z.number().int().min(0).max(16)
const orderId = z.number().int().positive()
const timeoutMs = 30_000

const ResultSchema = z
  .object({ result: z.unknown().openapi({ description: "The charger's answer" }) })
  .openapi('CommandResult')

/** A remote command's route: POST /api/piles/{id}/commands/<name> with a strict JSON body. */
function commandRoute<const S extends z.ZodType>(name: string, summary: string, body: S) {
  return apiRoute({
    method: 'post',
    path: `/api/piles/{id}/commands/${name}`,
    tags: ['commands'],
    summary,
    request: {
      params: pileParam,
      body: { required: true, content: { 'application/json': { schema: body } } },
    },
    responses: {
      200: { description: "The charger's answer", content: { 'application/json': { schema: ResultSchema } } },
      ...errorResponses(404, 409, 413, 503, 504),
    },
  })
}

const stop = commandRoute(
  'stop',
  "Stops a session (RemoteStopTransaction); without orderId, the one on the pile's connector",
  z.strictObject({ orderId: orderId.optional() }),
)
const stopAt = commandRoute(
  'stop-at',
  'Stops a session when its meter has delivered energyWh (ChargeChain piles)',
  z.strictObject({ orderId: orderId.optional(), energyWh: z.number().int().positive().max(10_000_000) }),
)
const availability = commandRoute(
  'availability',
  'ChangeAvailability of a connector (0: the whole pile)',
  z.strictObject({ connector, type: z.enum(['Operative', 'Inoperative']) }),
)
const reset = commandRoute('reset', 'Reset the charger', z.strictObject({ type: z.enum(['Soft', 'Hard']) }))
const unlock = commandRoute('unlock', 'UnlockConnector', z.strictObject({ connector: connector.min(1) }))
const trigger = commandRoute(
  'trigger',
  'TriggerMessage: ask the charger to send a message now',
  z.strictObject({
    message: z.enum([
      'BootNotification',
      'DiagnosticsStatusNotification',
      'FirmwareStatusNotification',
      'Heartbeat',
      'MeterValues',
      'StatusNotification',
    ]),
    connector: connector.min(1).optional(),
  }),
)

const configurationKey = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,50}$/, 'must be an OCPP configuration key (CiString50)')

const getConfiguration = apiRoute({
  method: 'get',
  path: '/api/piles/{id}/configuration',
  tags: ['commands'],
  summary: "GetConfiguration: the charger's configuration keys (all, or the comma-separated keys)",
  request: {
    params: pileParam,
    query: z.strictObject({
      keys: z
        .string()
        .regex(
          /^[A-Za-z0-9_.-]{1,50}(,[A-Za-z0-9_.-]{1,50}){0,49}$/,
          'must be configuration keys separated by commas',
        )
        .optional(),
    }),
  },
  responses: {
    200: { description: "The charger's answer", content: { 'application/json': { schema: ResultSchema } } },
    ...errorResponses(404, 409, 503, 504),
  },
})

const changeConfiguration = apiRoute({
  method: 'put',
  path: '/api/piles/{id}/configuration',
  tags: ['commands'],
  summary: 'ChangeConfiguration of one key',
  request: {
    params: pileParam,
    body: {
      required: true,
      content: {
        'application/json': { schema: z.strictObject({ key: configurationKey, value: z.string().max(500) }) },
      },
    },
  },
  responses: {
    200: { description: "The charger's answer", content: { 'application/json': { schema: ResultSchema } } },
    ...errorResponses(404, 409, 413, 503, 504),
  },
})

export function registerCommandRoutes(
  app: OpenAPIHono<AppEnv>,
  database: Database,
  commands: ChargerCommands | undefined,
): void {
  const { db } = database

  async function pileOf(id: number): Promise<PileView> {
    const pile = await getPile(db, id)
    if (!pile) throw new NotFoundError(`pile ${id}`)
    return pile
  }

  async function chargerOf(pile: PileView): Promise<{ chargerId: string; commands: ChargerCommands }> {
    if (pile.chargerId === null)
      throw new HttpProblem(
        409,
        'conflict',
        `Pile ${pile.id} has no OCPP charger; register one with POST /api/chargers.`,
      )
    if (!commands) throw noChargers()
    return { chargerId: pile.chargerId, commands }
  }

  /** The order to stop: the one named, which must be on this pile, or the one charging on it. */
  function orderOn(pile: PileView, named: number | undefined): number {
    const current = pile.connectors.map((c) => c.orderId).filter((id): id is number => id !== null)
    if (named !== undefined) {
      if (!current.includes(named))
        throw new HttpProblem(409, 'conflict', `Order ${named} is not running on pile ${pile.id}.`)
      return named
    }
    const [only, ...others] = current
    if (only === undefined) throw new HttpProblem(409, 'conflict', `No session runs on pile ${pile.id}.`)
    if (others.length > 0)
      throw new HttpProblem(
        400,
        'invalid_request',
        `Pile ${pile.id} runs several sessions; name the orderId.`,
      )
    return only
  }

  /** Sends one OCPP call and logs it in the audit log with the charger's answer. */
  async function run(c: Context<AppEnv>, pileId: number, action: ChargerAction, payload: object) {
    const pile = await pileOf(pileId)
    const target = await chargerOf(pile)
    const result = await target.commands.send(target.chargerId, action, payload, { timeoutMs })
    await writeAudit(db, c.get('actor'), `pile.command.${action}`, `pile:${pileId}`, undefined, {
      payload,
      result,
    })
    return { result }
  }

  app.openapi(stop, async (c) => {
    const { id } = c.req.valid('param')
    const pile = await pileOf(id)
    return c.json(
      await run(c, id, 'RemoteStopTransaction', {
        transactionId: orderOn(pile, c.req.valid('json').orderId),
      }),
      200,
    )
  })

  app.openapi(stopAt, async (c) => {
    const { id } = c.req.valid('param')
    const pile = await pileOf(id)
    const body = c.req.valid('json')
    const order = orderOn(pile, body.orderId)
    const target = await chargerOf(pile)
    const result = await target.commands.stopAt(order, body.energyWh)
    await writeAudit(db, c.get('actor'), 'pile.command.stopAt', `pile:${id}`, undefined, {
      orderId: order,
      energyWh: body.energyWh,
      result,
    })
    return c.json({ result }, 200)
  })

  app.openapi(availability, async (c) => {
    const body = c.req.valid('json')
    return c.json(
      await run(c, c.req.valid('param').id, 'ChangeAvailability', {
        connectorId: body.connector,
        type: body.type,
      }),
      200,
    )
  })

  app.openapi(reset, async (c) =>
    c.json(await run(c, c.req.valid('param').id, 'Reset', c.req.valid('json')), 200),
  )

  app.openapi(unlock, async (c) =>
    c.json(
      await run(c, c.req.valid('param').id, 'UnlockConnector', {
        connectorId: c.req.valid('json').connector,
      }),
      200,
    ),
  )

  app.openapi(trigger, async (c) => {
    const body = c.req.valid('json')
    return c.json(
      await run(c, c.req.valid('param').id, 'TriggerMessage', {
        requestedMessage: body.message,
        ...(body.connector === undefined ? {} : { connectorId: body.connector }),
      }),
      200,
    )
  })

  app.openapi(getConfiguration, async (c) => {
    const pile = await pileOf(c.req.valid('param').id)
    const target = await chargerOf(pile)
    const keys = c.req.valid('query').keys?.split(',')
    const result = await target.commands.send(
      target.chargerId,
      'GetConfiguration',
      keys ? { key: keys } : {},
      { timeoutMs },
    )
    return c.json({ result }, 200)
  })

  app.openapi(changeConfiguration, async (c) =>
    c.json(await run(c, c.req.valid('param').id, 'ChangeConfiguration', c.req.valid('json')), 200),
  )
}
