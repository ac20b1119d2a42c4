import {
  accountRole,
  connectorStatus,
  currentType,
  disputeState,
  idTagStatus,
  meterFlag,
  orderKind,
  orderState,
} from '@chargechain/db'
import { z } from '@hono/zod-openapi'

/** The database's enums as API schemas: the values are the schema's, listed once. */
export const connectorStatusSchema = z.enum(connectorStatus.enumValues)
export const currentTypeSchema = z.enum(currentType.enumValues)
export const orderKindSchema = z.enum(orderKind.enumValues)
export const orderStateSchema = z.enum(orderState.enumValues)
export const meterFlagSchema = z.enum(meterFlag.enumValues)
export const disputeStateSchema = z.enum(disputeState.enumValues)
export const idTagStatusSchema = z.enum(idTagStatus.enumValues)
export const accountRoleSchema = z.enum(accountRole.enumValues)

// Schemas shared by the routes: inputs are strict (an unknown field is refused, not ignored) and parse text
// exactly (no `1e3` for 1000, no silent trimming); outputs document what the dashboard gets.

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string().openapi({ example: 'There is no pile 7; check the id.' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error')

/** A positive whole number written in decimal digits (ids in paths and filters). */
export const idText = (name: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, `${name} must be a whole number from 1, in digits`)
    .transform(Number)
    .openapi({ param: { name }, example: '7', type: 'string' })

/** A whole number in a query string, within bounds. */
export const countText = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, `${name} must be a whole number in digits`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))

export const addressText = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address of 40 hex digits')
  .transform((value) => value.toLowerCase() as `0x${string}`)

/** An ISO 8601 time with its offset (`2026-05-01T00:00:00Z`) or a UTC day (`2026-05-01`). */
export const timeText = z
  .string()
  .refine(
    (value) =>
      (z.iso.datetime({ offset: true }).safeParse(value).success || z.iso.date().safeParse(value).success) &&
      !Number.isNaN(Date.parse(value)),
    'must be an ISO time such as 2026-05-01T08:00:00Z, or a day such as 2026-05-01',
  )
  .transform((value) => new Date(value))

export const dayText = z.iso.date('must be a day as YYYY-MM-DD')

export const hex = z.string().regex(/^0x[0-9a-f]*$/)
export const amount = z
  .string()
  .regex(/^[0-9]+$/)
  .openapi({ description: 'wei, as a decimal string' })
export const time = z.string().openapi({ format: 'date-time' })

export const ConnectorSchema = z
  .object({
    pileId: z.number(),
    connector: z.number(),
    status: connectorStatusSchema,
    errorCode: z.string().nullable(),
    statusAt: time.nullable(),
    meterWh: z.number().nullable(),
    meterAt: time.nullable(),
    orderId: z.number().nullable(),
  })
  .openapi('Connector')

export const TransactionSchema = z
  .object({
    eventName: z.string(),
    transactionHash: hex,
    blockNumber: z.number(),
    logIndex: z.number(),
    pending: z.boolean().openapi({ description: 'true until its block is final' }),
  })
  .openapi('Transaction')

export const PileSchema = z
  .object({
    id: z.number(),
    dmid: z.string().nullable(),
    name: z.string(),
    site: z.string().nullable(),
    installedOn: z.string().nullable(),
    brand: z.string().nullable(),
    model: z.string().nullable(),
    currentType: currentTypeSchema.nullable(),
    guns: z.number(),
    ratedPowerW: z.number().nullable(),
    firmwareVersion: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    address: z.string().nullable(),
    chainPileId: hex.nullable(),
    dmidHash: hex.nullable(),
    owner: hex.nullable(),
    generation: z.number().nullable(),
    payout: hex.nullable(),
    agent: hex.nullable(),
    currency: hex.nullable(),
    pricePerKWh: amount.nullable(),
    pricePerMinute: amount.nullable(),
    idlePerMinute: amount.nullable(),
    sessionFee: amount.nullable(),
    creditWh: z.number().nullable(),
    termsHash: hex.nullable(),
    chainBlock: z.number().nullable(),
    lastHeartbeatAt: time.nullable(),
    createdAt: time,
    updatedAt: time,
  })
  .openapi('Pile')

export const PileViewSchema = PileSchema.extend({
  connectors: z.array(ConnectorSchema),
  freeVehicles: z.array(hex),
  chargerId: z.string().nullable(),
}).openapi('PileView')

export const OrderSchema = z
  .object({
    id: z.number(),
    kind: orderKindSchema,
    pileId: z.number(),
    connector: z.number().nullable(),
    sessionId: hex.nullable(),
    channelId: hex.nullable(),
    vehicle: hex.nullable(),
    idTag: z.string().nullable(),
    operator: hex.nullable(),
    state: orderStateSchema,
    openedAt: time,
    endedAt: time.nullable(),
    energyWh: z.number(),
    chargingSeconds: z.number(),
    idleSeconds: z.number(),
    meterStartWh: z.number().nullable(),
    meterStopWh: z.number().nullable(),
    stopReason: z.string().nullable(),
    currency: hex.nullable(),
    deposit: amount.nullable(),
    amountDue: amount.nullable(),
    amountReceived: amount.nullable(),
    refund: amount.nullable(),
    termsHash: hex.nullable(),
    salt: hex.nullable(),
    chainBlock: z.number().nullable(),
    updatedAt: time,
    pending: z.boolean(),
  })
  .openapi('Order')

export const MeterValueSchema = z
  .object({
    id: z.number(),
    pileId: z.number(),
    connector: z.number(),
    orderId: z.number().nullable(),
    measuredAt: time,
    receivedAt: time,
    energyWh: z.number(),
    powerW: z.number().nullable(),
    voltageV: z.number().nullable(),
    currentA: z.number().nullable(),
    flag: meterFlagSchema.nullable(),
  })
  .openapi('MeterValue')

export const RevenueSchema = z
  .object({ currency: hex.nullable().openapi({ description: 'null: off chain' }), amount })
  .openapi('Revenue')

export const DailyTotalSchema = z
  .object({ day: z.string(), sessions: z.number(), energyWh: z.number(), revenue: z.array(RevenueSchema) })
  .openapi('DailyTotal')

export const DisputeSchema = z
  .object({
    orderId: z.number(),
    state: disputeStateSchema,
    openedAt: time,
    deadline: time,
    voucherEnergyWh: z.number(),
    voucherAmount: amount.nullable(),
    voucherSignature: hex.nullable(),
    claimedEnergyWh: z.number(),
    claimedAmount: amount,
    amountToPile: amount.nullable(),
    amountToVehicle: amount.nullable(),
    closedAt: time.nullable(),
    chainBlock: z.number().nullable(),
    order: OrderSchema.omit({ pending: true }),
  })
  .openapi('Dispute')

export const ChargerSchema = z
  .object({
    id: z.string(),
    pileId: z.number(),
    createdAt: time,
    lastConnectedAt: time.nullable(),
    disconnectedAt: time
      .nullable()
      .openapi({ description: 'when the last connection closed; null while it is open' }),
    connected: z.boolean().openapi({
      description:
        'its newest connection is open and the server instance holding it is alive (it refreshed within the lapse, 30 s by default)',
    }),
  })
  .openapi('Charger')

export const IdTagSchema = z
  .object({
    tag: z.string(),
    status: idTagStatusSchema,
    expiresAt: time.nullable(),
    parentTag: z.string().nullable(),
    label: z.string().nullable(),
    createdAt: time,
  })
  .openapi('IdTag')

export const AccountSchema = z
  .object({
    id: z.number(),
    username: z.string(),
    role: accountRoleSchema,
    createdAt: time,
    lastLoginAt: time.nullable(),
  })
  .openapi('Account')

export const ApiTokenSchema = z
  .object({
    id: z.number(),
    accountId: z.number(),
    name: z.string(),
    createdAt: time,
    expiresAt: time.nullable(),
    lastUsedAt: time.nullable(),
  })
  .openapi('ApiToken')

export const AuditEntrySchema = z
  .object({
    id: z.number(),
    at: time,
    accountId: z.number().nullable(),
    actor: z.string(),
    action: z.string(),
    subject: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .openapi('AuditEntry')
