import { z } from 'zod'

// OCPP 1.6J payloads as this package uses them (the library checks every one against the 1.6 JSON schemas), and
// ChargeChain's own DataTransfer messages, which both sides parse with the schemas below.

export type ChargePointStatus =
  | 'Available'
  | 'Preparing'
  | 'Charging'
  | 'SuspendedEVSE'
  | 'SuspendedEV'
  | 'Finishing'
  | 'Reserved'
  | 'Unavailable'
  | 'Faulted'

export type ChargePointErrorCode =
  | 'ConnectorLockFailure'
  | 'EVCommunicationError'
  | 'GroundFailure'
  | 'HighTemperature'
  | 'InternalError'
  | 'LocalListConflict'
  | 'NoError'
  | 'OtherError'
  | 'OverCurrentFailure'
  | 'PowerMeterFailure'
  | 'PowerSwitchFailure'
  | 'ReaderFailure'
  | 'ResetFailure'
  | 'UnderVoltage'
  | 'OverVoltage'
  | 'WeakSignal'

export type StopReason =
  | 'EmergencyStop'
  | 'EVDisconnected'
  | 'HardReset'
  | 'Local'
  | 'Other'
  | 'PowerLoss'
  | 'Reboot'
  | 'Remote'
  | 'SoftReset'
  | 'UnlockCommand'
  | 'DeAuthorized'

export interface SampledValue {
  value: string
  context?: string
  format?: 'Raw' | 'SignedData'
  measurand?: string
  phase?: string
  location?: string
  unit?: string
}

export interface MeterValue {
  timestamp: string
  sampledValue: SampledValue[]
}

export interface IdTagInfo {
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx'
  expiryDate?: string
  parentIdTag?: string
}

export interface DataTransferRequest {
  vendorId: string
  messageId?: string
  data?: string
}

export interface DataTransferResponse {
  status: 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId'
  data?: string
}

/** The DataTransfer vendor id of ChargeChain's own messages; `data` is a JSON string. */
export const vendorId = 'chargechain'

const hex = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`))
    .transform((value) => value.toLowerCase() as `0x${string}`)
const amount = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/)
  .transform((value) => BigInt(value))
const connectorId = z.number().int().min(1).max(100)

/**
 * ChargeChain's DataTransfer messages (vendor `chargechain`), by messageId: the request's `data` and the answer's.
 *
 * - `session` (pile → server, just before StartTransaction): the chain session the next transaction on the
 *   connector is for. Answer: `{ orderId }`, the transactionId StartTransaction will get.
 * - `channelLedger.get` (pile → server, before it takes a car paying by channel): the operator's ledger for it.
 * - `channelLedger.record` (pile → server, for each voucher it takes): counted only above the ledger's amount, and only
 *   when the channel's car signed it, the channel is the pile's operator's and the amount within its deposit.
 * - `stopAt` (server → pile): stop the transaction once it delivered `energyWh`.
 *
 * A refusal is status `Rejected` with `{ error }` in data.
 */
export const chargechainMessages = {
  session: {
    request: z.object({
      connectorId,
      sessionId: z.union([hex(32), hex(16)]),
      kind: z.enum(['escrow', 'channel', 'free']),
      vehicle: hex(20).optional(),
      channelId: hex(32).optional(),
    }),
    response: z.object({ orderId: z.number().int() }),
  },
  'channelLedger.get': {
    request: z.object({ channelId: hex(32) }),
    response: z.object({
      channelId: hex(32),
      vehicle: hex(20),
      currency: hex(20),
      deposit: amount,
      settled: amount,
      /** The highest cumulative voucher any pile of the operator reported. */
      cumulative: amount,
      state: z.enum(['open', 'closing', 'closed']),
      closesAt: z.string().nullable(),
    }),
  },
  'channelLedger.record': {
    request: z.object({
      channelId: hex(32),
      amount,
      signature: z
        .string()
        .regex(/^0x[0-9a-fA-F]{2,1024}$/)
        .transform((value) => value.toLowerCase() as `0x${string}`),
    }),
    response: z.object({ cumulative: amount }),
  },
  stopAt: {
    request: z.object({ transactionId: z.number().int(), energyWh: z.number().int().min(0) }),
    response: z.object({}),
  },
} as const

export type ChargechainMessageId = keyof typeof chargechainMessages
export type ChargechainRequest<Id extends ChargechainMessageId> = z.input<
  (typeof chargechainMessages)[Id]['request']
>
export type ChargechainResponse<Id extends ChargechainMessageId> = z.output<
  (typeof chargechainMessages)[Id]['response']
>

/** Why a ChargeChain DataTransfer was Rejected (its data: `{ "error": … }`). */
export type ChargechainRefusal =
  | 'invalidData'
  | 'unknownSession'
  | 'unknownChannel'
  | 'notAbove'
  | 'aboveDeposit'
  | 'closed'
  /** `channelLedger.record`: the signature is not the channel's car's voucher for that amount. */
  | 'badSignature'
  /** `channelLedger.record`: the channel is another operator's than this pile's. */
  | 'notOperator'
  /** `channelLedger.record`: the server was started without the deployment, so it cannot check signatures. */
  | 'unverifiable'
  | 'unknownTransaction'
  | 'notSupported'

/** Amounts travel as decimal strings (a uint256 does not fit a JSON number). */
export function encodeData(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))
}
