import { type Db, findOrderCharger, findPileCharger } from '@chargechain/db'
import {
  ChargerOfflineError,
  ChargerRejectedError,
  CommandTargetError,
  CommandTimeoutError,
} from '../errors.js'
import { encodeData, vendorId } from '../messages.js'
import {
  CallError,
  CallTimeoutError,
  ConnectionClosedError,
  PayloadInvalidError,
  type RpcConnection,
} from '../rpc.js'
import type { Bus, Outcome } from './bus.js'

/** What the operator can ask a charger (OCPP 1.6 Core, Remote Trigger, and ChargeChain's DataTransfer). */
export type ChargerAction =
  | 'RemoteStartTransaction'
  | 'RemoteStopTransaction'
  | 'ChangeAvailability'
  | 'Reset'
  | 'UnlockConnector'
  | 'TriggerMessage'
  | 'GetConfiguration'
  | 'ChangeConfiguration'
  | 'ClearCache'
  | 'DataTransfer'

export interface CommandOptions {
  /** How long the charger has to answer; 30 s by default. */
  timeoutMs?: number
}

export interface ConfigurationKey {
  key: string
  readonly: boolean
  value?: string
}

/**
 * Commands to chargers, wherever they are connected: here, or on another instance (through PostgreSQL). Each throws
 * ChargerOfflineError (no instance holds the charger), ChargerRejectedError (it answered a refusal or a CALLERROR),
 * CommandTimeoutError (no answer in time), CommandTargetError (no such order or pile, or no charger for it),
 * PayloadInvalidError (the payload breaks the OCPP 1.6 schema; nothing was sent).
 */
export interface ChargerCommands {
  /** Any action; resolves with the charger's answer unless it is a refusal. */
  send(
    chargerId: string,
    action: ChargerAction,
    payload: object,
    options?: CommandOptions,
  ): Promise<Record<string, unknown>>
  remoteStart(
    pileId: number,
    start: { idTag: string; connectorId?: number },
    options?: CommandOptions,
  ): Promise<void>
  /** Stops the order's transaction (RemoteStopTransaction with the order id as transactionId). */
  remoteStop(orderId: number, options?: CommandOptions): Promise<void>
  /** Asks one of our piles to stop the order's transaction once it delivered `energyWh` (DataTransfer `stopAt`). */
  stopAt(orderId: number, energyWh: number, options?: CommandOptions): Promise<void>
  changeAvailability(
    pileId: number,
    connectorId: number,
    type: 'Operative' | 'Inoperative',
    options?: CommandOptions,
  ): Promise<'Accepted' | 'Scheduled'>
  reset(pileId: number, type: 'Soft' | 'Hard', options?: CommandOptions): Promise<void>
  unlockConnector(pileId: number, connectorId: number, options?: CommandOptions): Promise<void>
  triggerMessage(
    pileId: number,
    requestedMessage:
      | 'BootNotification'
      | 'DiagnosticsStatusNotification'
      | 'FirmwareStatusNotification'
      | 'Heartbeat'
      | 'MeterValues'
      | 'StatusNotification',
    connectorId?: number,
    options?: CommandOptions,
  ): Promise<void>
  getConfiguration(
    pileId: number,
    keys?: string[],
    options?: CommandOptions,
  ): Promise<{ configurationKey: ConfigurationKey[]; unknownKey: string[] }>
  changeConfiguration(
    pileId: number,
    key: string,
    value: string,
    options?: CommandOptions,
  ): Promise<'Accepted' | 'RebootRequired'>
}

/** Answers that mean the charger would not do it. */
const refusals = new Set([
  'Rejected',
  'NotSupported',
  'NotImplemented',
  'UnlockFailed',
  'UnknownMessageId',
  'UnknownVendorId',
])

const defaultTimeoutMs = 30_000
/** How long another instance has to say it holds the charger before it counts as offline. */
const ackMs = 1_500

/** Calls a charger connected here; throws the typed errors above. */
export async function callCharger(
  connection: RpcConnection,
  action: string,
  payload: unknown,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const chargerId = connection.identity
  let result: unknown
  try {
    result = await connection.call(action, payload, timeoutMs)
  } catch (error) {
    if (error instanceof CallError)
      throw new ChargerRejectedError(chargerId, action, error.code, error.message)
    if (error instanceof CallTimeoutError) throw new CommandTimeoutError(chargerId, action, timeoutMs)
    if (error instanceof ConnectionClosedError) throw new ChargerOfflineError(chargerId)
    throw error
  }
  const answer = typeof result === 'object' && result !== null ? { ...result } : {}
  const status = 'status' in answer ? answer.status : undefined
  if (typeof status === 'string' && refusals.has(status))
    throw new ChargerRejectedError(chargerId, action, status)
  return answer
}

/** A local call's result or typed error, as an outcome another instance can rebuild. */
export async function outcomeOf(call: Promise<Record<string, unknown>>): Promise<Outcome> {
  try {
    return { ok: true, result: await call }
  } catch (error) {
    if (error instanceof ChargerRejectedError)
      return {
        ok: false,
        error: 'rejected',
        status: error.status,
        message: error.details ?? error.shortMessage,
      }
    if (error instanceof CommandTimeoutError)
      return { ok: false, error: 'timeout', message: error.shortMessage }
    if (error instanceof ChargerOfflineError)
      return { ok: false, error: 'offline', message: error.shortMessage }
    if (error instanceof PayloadInvalidError) return { ok: false, error: 'invalid', message: error.problem }
    throw error
  }
}

export interface CreateCommandsOptions {
  db: Db
  bus: Bus
  /** The connection of a charger held by this instance. */
  local(chargerId: string): RpcConnection | undefined
}

export function createCommands({ db, bus, local }: CreateCommandsOptions): ChargerCommands {
  async function send(
    chargerId: string,
    action: string,
    payload: object,
    options: CommandOptions = {},
  ): Promise<Record<string, unknown>> {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs
    const connection = local(chargerId)
    if (connection) return callCharger(connection, action, payload, timeoutMs)
    const outcome = await bus.request(chargerId, action, payload, timeoutMs, Math.min(ackMs, timeoutMs))
    if (outcome === 'noAck') throw new ChargerOfflineError(chargerId)
    if (outcome === 'noAnswer') throw new CommandTimeoutError(chargerId, action, timeoutMs)
    if (outcome.ok)
      return typeof outcome.result === 'object' && outcome.result !== null ? { ...outcome.result } : {}
    if (outcome.error === 'rejected')
      throw new ChargerRejectedError(chargerId, action, outcome.status ?? 'Rejected', outcome.message)
    if (outcome.error === 'timeout') throw new CommandTimeoutError(chargerId, action, timeoutMs)
    if (outcome.error === 'offline') throw new ChargerOfflineError(chargerId)
    throw new PayloadInvalidError(action, outcome.message)
  }

  async function chargerOfPile(pileId: number): Promise<string> {
    const chargerId = await findPileCharger(db, pileId)
    if (chargerId === undefined)
      throw new CommandTargetError(`pile ${pileId}`, 'it has no OCPP charger registered')
    return chargerId
  }

  async function chargerOfOrder(orderId: number): Promise<string> {
    const found = await findOrderCharger(db, orderId)
    if (!found) throw new CommandTargetError(`order ${orderId}`, 'there is no such order')
    if (found.chargerId === null)
      throw new CommandTargetError(
        `order ${orderId}`,
        `its pile ${found.pileId} has no OCPP charger registered`,
      )
    return found.chargerId
  }

  return {
    send,
    async remoteStart(pileId, start, options) {
      await send(await chargerOfPile(pileId), 'RemoteStartTransaction', start, options)
    },
    async remoteStop(orderId, options) {
      await send(await chargerOfOrder(orderId), 'RemoteStopTransaction', { transactionId: orderId }, options)
    },
    async stopAt(orderId, energyWh, options) {
      const data = encodeData({ transactionId: orderId, energyWh })
      await send(
        await chargerOfOrder(orderId),
        'DataTransfer',
        { vendorId, messageId: 'stopAt', data },
        options,
      )
    },
    async changeAvailability(pileId, connectorId, type, options) {
      const answer = await send(
        await chargerOfPile(pileId),
        'ChangeAvailability',
        { connectorId, type },
        options,
      )
      return answer.status === 'Scheduled' ? 'Scheduled' : 'Accepted'
    },
    async reset(pileId, type, options) {
      await send(await chargerOfPile(pileId), 'Reset', { type }, options)
    },
    async unlockConnector(pileId, connectorId, options) {
      await send(await chargerOfPile(pileId), 'UnlockConnector', { connectorId }, options)
    },
    async triggerMessage(pileId, requestedMessage, connectorId, options) {
      const payload = connectorId === undefined ? { requestedMessage } : { requestedMessage, connectorId }
      await send(await chargerOfPile(pileId), 'TriggerMessage', payload, options)
    },
    async getConfiguration(pileId, keys, options) {
      const answer = await send(
        await chargerOfPile(pileId),
        'GetConfiguration',
        keys === undefined ? {} : { key: keys },
        options,
      )
      return {
        configurationKey: Array.isArray(answer.configurationKey) ? answer.configurationKey : [],
        unknownKey: Array.isArray(answer.unknownKey) ? answer.unknownKey : [],
      }
    },
    async changeConfiguration(pileId, key, value, options) {
      const answer = await send(await chargerOfPile(pileId), 'ChangeConfiguration', { key, value }, options)
      return answer.status === 'RebootRequired' ? 'RebootRequired' : 'Accepted'
    },
  }
}
