// What the management server's REST API returns (apps/server; its OpenAPI document at /api/openapi.json is the
// reference). Times are ISO strings, amounts wei decimal strings, addresses and hashes lower-case 0x hex.

export type Hex = `0x${string}`
export type Role = 'admin' | 'viewer'

export interface Me {
  id: number
  username: string
  role: Role
}

/** What the server tells the dashboard about itself; every field optional so an older server still works. */
export interface ServerConfig {
  /** A Leaflet tile URL template (`https://tile.example/{z}/{x}/{y}.png`); none: markers on a plain background. */
  tileUrl?: string | null
  tileAttribution?: string | null
  /** A block explorer's base URL: transaction links go to `${explorerUrl}/tx/${hash}`. */
  explorerUrl?: string | null
  /** Symbol and decimals of the currencies the fleet is paid in, by lower-case address. */
  currencies?: Record<string, { symbol: string; decimals: number }>
}

export const connectorStatuses = [
  'offline',
  'available',
  'preparing',
  'charging',
  'finishing',
  'faulted',
] as const
export type ConnectorStatus = (typeof connectorStatuses)[number]

/** How the operator sees a whole pile: the worst of its connectors (overview counts the same four). */
export type PileState = 'online' | 'charging' | 'faulted' | 'offline'

export interface Connector {
  pileId: number
  connector: number
  status: ConnectorStatus
  errorCode: string | null
  statusAt: string | null
  meterWh: number | null
  meterAt: string | null
  orderId: number | null
}

/** A chain transaction behind a row (an order's session events, a pile's registry events). */
export interface ChainTransaction {
  eventName: string
  transactionHash: Hex
  blockNumber: number
  logIndex?: number
  pending: boolean
}

export interface PileMetadata {
  dmid: string | null
  name: string
  site: string | null
  installedOn: string | null
  brand: string | null
  model: string | null
  currentType: 'ac' | 'dc' | null
  guns: number
  ratedPowerW: number | null
  firmwareVersion: string | null
  latitude: number | null
  longitude: number | null
  address: string | null
}

export interface Pile extends PileMetadata {
  id: number
  chainPileId: Hex | null
  dmidHash: Hex | null
  owner: Hex | null
  generation: number | null
  payout: Hex | null
  agent: Hex | null
  currency: Hex | null
  pricePerKWh: string | null
  pricePerMinute: string | null
  idlePerMinute: string | null
  sessionFee: string | null
  creditWh: number | null
  termsHash: Hex | null
  chainBlock: number | null
  lastHeartbeatAt: string | null
  createdAt: string
  updatedAt: string
  connectors: Connector[]
  freeVehicles: Hex[]
  chargerId: string | null
  /** Set by servers that compute it; else the dashboard derives it from the connectors. */
  state?: PileState
  /** The registry transactions that set the on-chain settings, when the server lists them. */
  transactions?: ChainTransaction[]
}

export interface Page<T> {
  items: T[]
  total: number
}

export interface CursorPage<T> {
  items: T[]
  nextCursor?: string | null
}

export const orderStates = ['open', 'charging', 'settled', 'refunded', 'disputed', 'resolved'] as const
export type OrderState = (typeof orderStates)[number]
export const orderKinds = ['escrow', 'channel', 'free', 'ocpp'] as const
export type OrderKind = (typeof orderKinds)[number]

export interface Order {
  id: number
  kind: OrderKind
  pileId: number
  connector: number | null
  sessionId: Hex | null
  channelId: Hex | null
  vehicle: Hex | null
  idTag: string | null
  operator: Hex | null
  state: OrderState
  openedAt: string
  endedAt: string | null
  energyWh: number
  chargingSeconds: number
  idleSeconds: number
  meterStartWh: number | null
  meterStopWh: number | null
  stopReason: string | null
  currency: Hex | null
  deposit: string | null
  amountDue: string | null
  amountReceived: string | null
  refund: string | null
  chainBlock: number | null
  pending: boolean
}

export interface OrderDetail {
  order: Order
  transactions: ChainTransaction[]
}

export interface Revenue {
  currency: Hex | null
  amount: string
}

export interface Figures {
  sessions?: number
  energyWh: number
  revenue: Revenue[]
}

export interface Overview {
  piles: Record<PileState, number>
  today: Figures
  month: Figures
}

export interface DailyTotal extends Figures {
  day: string
}

export interface MeterValue {
  id: number
  pileId: number
  connector: number
  orderId: number | null
  measuredAt: string
  energyWh: number
  powerW: number | null
  voltageV: number | null
  currentA: number | null
  flag: string | null
}

export type DisputeState = 'open' | 'decided' | 'expired'

export interface Dispute {
  orderId: number
  state: DisputeState
  openedAt: string
  deadline: string
  voucherEnergyWh: number
  voucherAmount: string | null
  voucherSignature: Hex | null
  claimedEnergyWh: number
  claimedAmount: string
  amountToPile: string | null
  amountToVehicle: string | null
  closedAt: string | null
  order: Order
  readings?: Array<Pick<MeterValue, 'measuredAt' | 'energyWh' | 'powerW' | 'flag'>>
}

export interface Charger {
  id: string
  pileId: number
  createdAt: string
  lastConnectedAt: string | null
  connected?: boolean
}

export type IdTagStatus = 'accepted' | 'blocked' | 'expired'

export interface IdTag {
  tag: string
  status: IdTagStatus
  expiresAt: string | null
  parentTag: string | null
  label: string | null
  createdAt: string
}

export interface Account {
  id: number
  username: string
  role: Role
  createdAt: string
  lastLoginAt: string | null
}

export interface ApiToken {
  id: number
  accountId: number
  name: string
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  /** Only in the answer that created it: shown once. */
  token?: string
}

export interface AuditEntry {
  id: number
  at: string
  accountId: number | null
  actor: string
  action: string
  subject: string
  before: unknown
  after: unknown
}

/** The live stream's events (packages/db LiveEvent), plus `gap` when some may have been lost. */
export type LiveEvent =
  | { type: 'pile'; pileId: number }
  | {
      type: 'connector'
      pileId: number
      connector: number
      status: ConnectorStatus
      orderId: number | null
      at: string
    }
  | {
      type: 'meter'
      pileId: number
      connector: number
      orderId: number | null
      energyWh: number
      powerW: number | null
      at: string
    }
  | { type: 'order'; orderId: number; pileId: number; state: OrderState }
  | { type: 'dispute'; orderId: number }
  | { type: 'charger'; chargerId: string; pileId: number; connected: boolean }
