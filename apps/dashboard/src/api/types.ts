// What the management server's REST API returns: the schemas of its OpenAPI document (/api/openapi.json), generated
// into generated/openapi.ts by `npm run api-types` (scripts/apiTypes.test.ts fails while that file lags the server),
// under the names the dashboard uses; and what the document does not describe: the live stream's events. Times are
// ISO strings, amounts wei decimal strings, addresses and hashes lower-case 0x hex.
import type { components } from './generated/openapi'

type Schemas = components['schemas']

/**
 * A list of every value of the union `T`, for menus and filters: a value the server adds and the list lacks fails to
 * compile (a plain `satisfies T[]` would catch only a value the server does not have).
 */
const everyValueOf =
  <T extends string>() =>
  <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L =>
    list

export type Hex = `0x${string}`
export type Me = Schemas['Me']
export type Role = Me['role']

/** What the server tells the dashboard about itself; every field optional so an older server still works. */
export type ServerConfig = Partial<Schemas['ServerConfig']>

export type Connector = Schemas['Connector']
export type ConnectorStatus = Connector['status']
export const connectorStatuses = everyValueOf<ConnectorStatus>()([
  'offline',
  'available',
  'preparing',
  'charging',
  'finishing',
  'faulted',
])

/** How the operator sees a whole pile: the worst of its connectors (overview counts the same four). */
export type PileState = keyof Schemas['Overview']['piles']

/** A chain transaction behind a row (an order's session events, a pile's registry events). */
export type ChainTransaction = Schemas['Transaction']

/** What the operator edits of a pile (the rest comes from the chain and the chargers). */
export type PileMetadata = Required<Schemas['PileInput']>

/** A pile with its connectors' live state; its detail adds the registry transactions. */
export type Pile = Schemas['PileView'] & { transactions?: ChainTransaction[] }

export interface Page<T> {
  items: T[]
  total: number
}

export interface CursorPage<T> {
  items: T[]
  nextCursor?: string | null
}

export type Order = Schemas['Order']
export type OrderState = Order['state']
export const orderStates = everyValueOf<OrderState>()([
  'open',
  'charging',
  'settled',
  'refunded',
  'disputed',
  'resolved',
])
export type OrderKind = Order['kind']
export const orderKinds = everyValueOf<OrderKind>()(['escrow', 'channel', 'free', 'ocpp'])

export type OrderDetail = Schemas['OrderDetail']
export type Revenue = Schemas['Revenue']
export type Figures = Schemas['Figures']
export type Overview = Schemas['Overview']
export type DailyTotal = Schemas['DailyTotal']
export type MeterValue = Schemas['MeterValue']

/** A claim; its detail adds the meter readings behind it. */
export type Dispute = Schemas['Dispute'] & Partial<Pick<Schemas['DisputeEvidence'], 'readings'>>
export type DisputeState = Dispute['state']

export type Charger = Schemas['Charger']
export type IdTag = Schemas['IdTag']
export type IdTagStatus = IdTag['status']
export type Account = Schemas['Account']

/** An API token; only the answer that created it carries `token`, shown once. */
export type ApiToken = Schemas['ApiToken'] & { token?: string }

export type AuditEntry = Schemas['AuditEntry']

/** The live stream's events, as the server publishes them (a type only: nothing of the database reaches the page). */
export type { LiveEvent } from '@chargechain/db'
