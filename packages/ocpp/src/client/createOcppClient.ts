import { randomUUID } from 'node:crypto'
import { OcppClientError } from '../errors.js'
import { type OcppLogger, silentLogger } from '../logger.js'
import {
  type ChargechainResponse,
  type ChargePointErrorCode,
  type ChargePointStatus,
  chargechainMessages,
  type DataTransferResponse,
  encodeData,
  type StopReason,
  vendorId,
} from '../messages.js'
import { createRpcClient } from '../ocppRpc.js'
import { CallError, type RpcClient } from '../rpc.js'
import { commandHandlers, type OcppClientHandlers } from './commands.js'
import { meterValueOf, type Reading } from './meter.js'
import type { NewQueuedMessage, OcppQueue, QueuedMessage } from './queue.js'

export interface ChainSession {
  /** The escrow's sessionId (32 bytes), or the pile's own 16-byte id for a channel or free session. */
  sessionId: `0x${string}`
  kind: 'escrow' | 'channel' | 'free'
  vehicle?: `0x${string}`
  channelId?: `0x${string}`
}

export interface CreateOcppClientOptions {
  /** The server's OCPP endpoint without the identity: `ws://host:port/ocpp` or `wss://…`. */
  url: string
  /** The charge point identity (`chargers.id` on the server). */
  identity: string
  password: string
  /** How many connectors the pile has (numbered from 1). */
  connectors: number
  /** Where messages wait while offline: `createMemoryQueue()` or `await openFileQueue(path)`. */
  queue: OcppQueue
  boot: { vendor: string; model: string; firmwareVersion?: string; serialNumber?: string }
  handlers?: OcppClientHandlers
  logger?: OcppLogger
  /** For `wss:` with a private CA (a self-signed server certificate). */
  tls?: { ca?: string | Buffer }
  /** Reconnect delays: from `initialMs` (1 s), doubling to `maxMs` (60 s), each ±25 %. */
  backoff?: { initialMs?: number; maxMs?: number }
  /** How long the server has to answer a call; 30 s by default. */
  callTimeoutMs?: number
}

export type OcppClientState = 'connecting' | 'online' | 'offline' | 'closed'

export interface OcppClient {
  readonly state: OcppClientState
  /** Starts connecting; reconnects with backoff until `close()`. */
  start(): Promise<void>
  /** A connector's status changed (queued). */
  status(connector: number, status: ChargePointStatus, errorCode?: ChargePointErrorCode): Promise<void>
  /** Meter readings of a connector, of a transaction (its reference) or none (queued). */
  meterValues(connector: number, transaction: string | null, readings: readonly Reading[]): Promise<void>
  /**
   * A transaction starts (queued): with `session`, ChargeChain's `session` DataTransfer goes first so the server
   * files it under the chain session's order. Returns the transaction's local reference.
   */
  startTransaction(start: {
    connector: number
    idTag: string
    meterStartWh: number
    session?: ChainSession
    at?: Date
    /** The local reference to use (the chain session id, so a restarted pile still knows it); random if omitted. */
    ref?: string
  }): Promise<string>
  /** The transaction with reference `transaction` stopped (queued). */
  stopTransaction(
    transaction: string,
    stop: {
      meterStopWh: number
      reason?: StopReason
      idTag?: string
      readings?: readonly Reading[]
      at?: Date
    },
  ): Promise<void>
  /** The server's transactionId for a reference, once the StartTransaction was answered. */
  transactionId(transaction: string): number | undefined
  /** Reports a channel voucher the pile took to the operator's ledger (queued). */
  reportVoucher(voucher: {
    channelId: `0x${string}`
    amount: bigint
    signature: `0x${string}`
  }): Promise<void>
  /** Asks the operator's ledger for a channel (live: throws OcppClientError while offline). */
  channelLedger(channelId: `0x${string}`): Promise<ChargechainResponse<'channelLedger.get'> | undefined>
  /** Resolves when everything queued so far was delivered. */
  flushed(): Promise<void>
  close(): Promise<void>
}

/** Server answers that mean "try again later" rather than "this message is wrong". */
const retryable = new Set(['InternalError', 'GenericError'])

export async function createOcppClient(options: CreateOcppClientOptions): Promise<OcppClient> {
  const { queue, identity } = options
  const logger = options.logger ?? silentLogger
  const callTimeoutMs = options.callTimeoutMs ?? 30_000
  const initialMs = options.backoff?.initialMs ?? 1_000
  const maxMs = options.backoff?.maxMs ?? 60_000
  const loaded = await queue.load()
  const pending: QueuedMessage[] = loaded.messages
  const transactions = loaded.transactions
  const lastStatus = new Map<number, { status: ChargePointStatus; errorCode: ChargePointErrorCode }>()
  let heartbeatSeconds = 300
  let state: OcppClientState = 'offline'
  let delayMs = initialMs
  let reconnectTimer: NodeJS.Timeout | undefined
  let heartbeatTimer: NodeJS.Timeout | undefined
  let draining: Promise<void> | undefined
  let idle: (() => void)[] = []

  const rpc: RpcClient = createRpcClient({
    endpoint: options.url,
    identity,
    password: options.password,
    tls: options.tls,
    pingIntervalMs: 30_000,
    handlers: commandHandlers({
      handlers: options.handlers ?? {},
      connectors: options.connectors,
      referenceOf: (transactionId) => [...transactions].find(([, id]) => id === transactionId)?.[0],
      heartbeatSeconds: () => heartbeatSeconds,
      setHeartbeatSeconds(seconds) {
        heartbeatSeconds = seconds
        if (state === 'online') startHeartbeat()
      },
      trigger(message, connectorId) {
        if (message === 'BootNotification') void boot().catch(() => {})
        if (message === 'Heartbeat') void heartbeat()
        if (message === 'StatusNotification')
          for (const [connector, last] of lastStatus)
            if (connectorId === undefined || connectorId === connector)
              void call('StatusNotification', {
                connectorId: connector,
                ...last,
                timestamp: new Date().toISOString(),
              })
      },
    }),
  })

  rpc.onClose((code, reason) => {
    if (state === 'closed') return
    const was = state
    state = 'offline'
    stopHeartbeat()
    if (was === 'online')
      logger.warn({ identity, code, reason }, 'OCPP connection lost; queueing until it is back')
    scheduleReconnect()
  })

  function call(action: string, payload: unknown): Promise<unknown> {
    return rpc.call(action, payload, callTimeoutMs)
  }

  function scheduleReconnect(): void {
    if (state === 'closed' || reconnectTimer) return
    const wait = delayMs * (0.75 + Math.random() * 0.5)
    delayMs = Math.min(delayMs * 2, maxMs)
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined
      void connect()
    }, wait)
  }

  async function connect(): Promise<void> {
    if (state !== 'offline') return
    state = 'connecting'
    try {
      await rpc.connect()
      await boot()
    } catch (error) {
      logger.warn({ identity, error: error instanceof Error ? error.message : error }, 'OCPP connect failed')
      if (state === 'connecting') {
        state = 'offline'
        await rpc.close().catch(() => {})
        scheduleReconnect()
      }
      return
    }
    state = 'online'
    delayMs = initialMs
    logger.info({ identity }, 'OCPP online')
    startHeartbeat()
    drain()
  }

  /** BootNotification until Accepted; other calls wait for it (OCPP 1.6 §4.2). */
  async function boot(): Promise<void> {
    const { vendor, model, firmwareVersion, serialNumber } = options.boot
    for (;;) {
      // The library checked the answer against BootNotification.conf.
      const answer = (await call('BootNotification', {
        chargePointVendor: vendor,
        chargePointModel: model,
        ...(firmwareVersion === undefined ? {} : { firmwareVersion }),
        ...(serialNumber === undefined ? {} : { chargePointSerialNumber: serialNumber }),
      })) as { status: string; interval: number }
      if (answer.interval > 0) heartbeatSeconds = answer.interval
      if (answer.status === 'Accepted') return
      await new Promise((resolve) => setTimeout(resolve, Math.max(answer.interval, 10) * 1000))
    }
  }

  function startHeartbeat(): void {
    stopHeartbeat()
    heartbeatTimer = setInterval(() => void heartbeat(), heartbeatSeconds * 1000)
  }

  function stopHeartbeat(): void {
    if (heartbeatTimer) clearInterval(heartbeatTimer)
    heartbeatTimer = undefined
  }

  async function heartbeat(): Promise<void> {
    await call('Heartbeat', {}).catch((error: unknown) => logger.debug({ error }, 'heartbeat failed'))
  }

  /** Sends what is queued, oldest first, one at a time (each after the last was answered), while online. */
  function drain(): void {
    if (draining) return
    let stuck = false
    draining = (async () => {
      while (state === 'online' && pending.length > 0) {
        const message = pending[0]
        if (!message || !(await deliver(message))) {
          stuck = true
          return
        }
        pending.shift()
      }
    })().finally(() => {
      draining = undefined
      if (pending.length === 0) for (const resolve of idle.splice(0)) resolve()
      else if (state === 'online') setTimeout(drain, stuck ? 1_000 : 0)
    })
  }

  /** True when the message is done with (delivered, or refused for good); false to try again later. */
  async function deliver(message: QueuedMessage): Promise<boolean> {
    const payload = { ...message.payload }
    if (message.uses !== undefined) {
      const transactionId = transactions.get(message.uses)
      if (transactionId !== undefined) payload.transactionId = transactionId
      else if (message.action === 'StopTransaction') {
        logger.error(
          { identity, ref: message.uses },
          'a stop for a transaction the server never started; dropped',
        )
        await queue.delivered(message.seq)
        return true
      }
    }
    let answer: unknown
    try {
      answer = await call(message.action, payload)
    } catch (error) {
      if (!(error instanceof CallError) || retryable.has(error.code)) return false
      logger.error(
        { identity, action: message.action, code: error.code },
        'the server refused a queued message',
      )
      await queue.delivered(message.seq)
      return true
    }
    if (
      message.starts !== undefined &&
      typeof answer === 'object' &&
      answer !== null &&
      'transactionId' in answer
    ) {
      const transactionId = Number(answer.transactionId)
      transactions.set(message.starts, transactionId)
      await queue.delivered(message.seq, { ref: message.starts, transactionId })
      options.handlers?.transactionStarted?.({ ref: message.starts, transactionId, answer })
    } else {
      if (message.ends !== undefined) transactions.delete(message.ends)
      await queue.delivered(message.seq)
    }
    return true
  }

  async function enqueue(message: NewQueuedMessage): Promise<void> {
    if (state === 'closed') throw new OcppClientError(`The OCPP client of ${identity} is closed.`)
    pending.push(await queue.append(message))
    if (state === 'online') drain()
  }

  return {
    get state() {
      return state
    },
    async start() {
      await connect()
    },
    async status(connector, status, errorCode = 'NoError') {
      lastStatus.set(connector, { status, errorCode })
      await enqueue({
        action: 'StatusNotification',
        payload: { connectorId: connector, status, errorCode, timestamp: new Date().toISOString() },
      })
    },
    async meterValues(connector, transaction, readings) {
      if (readings.length === 0) return
      await enqueue({
        action: 'MeterValues',
        payload: { connectorId: connector, meterValue: readings.map((reading) => meterValueOf(reading)) },
        ...(transaction === null ? {} : { uses: transaction }),
      })
    },
    async startTransaction(start) {
      const ref = start.ref ?? randomUUID()
      if (start.session) {
        const data = encodeData({ connectorId: start.connector, ...start.session })
        await enqueue({ action: 'DataTransfer', payload: { vendorId, messageId: 'session', data } })
      }
      await enqueue({
        action: 'StartTransaction',
        payload: {
          connectorId: start.connector,
          idTag: start.idTag,
          meterStart: start.meterStartWh,
          timestamp: (start.at ?? new Date()).toISOString(),
        },
        starts: ref,
      })
      return ref
    },
    async stopTransaction(transaction, stop) {
      await enqueue({
        action: 'StopTransaction',
        payload: {
          meterStop: stop.meterStopWh,
          timestamp: (stop.at ?? new Date()).toISOString(),
          ...(stop.reason === undefined ? {} : { reason: stop.reason }),
          ...(stop.idTag === undefined ? {} : { idTag: stop.idTag }),
          ...(stop.readings?.length
            ? { transactionData: stop.readings.map((reading) => meterValueOf(reading)) }
            : {}),
        },
        uses: transaction,
        ends: transaction,
      })
    },
    transactionId: (transaction) => transactions.get(transaction),
    async reportVoucher(voucher) {
      const data = encodeData(voucher)
      await enqueue({
        action: 'DataTransfer',
        payload: { vendorId, messageId: 'channelLedger.record', data },
      })
    },
    async channelLedger(channelId) {
      if (state !== 'online')
        throw new OcppClientError(`The OCPP server is not reachable; the ledger cannot be asked.`)
      const answer = (await call('DataTransfer', {
        vendorId,
        messageId: 'channelLedger.get',
        data: encodeData({ channelId }),
      })) as DataTransferResponse // checked against DataTransfer.conf
      if (answer.status !== 'Accepted') return undefined
      return chargechainMessages['channelLedger.get'].response.parse(JSON.parse(answer.data ?? ''))
    },
    flushed() {
      if (pending.length === 0) return Promise.resolve()
      return new Promise((resolve) => idle.push(resolve))
    },
    async close() {
      state = 'closed'
      if (reconnectTimer) clearTimeout(reconnectTimer)
      stopHeartbeat()
      await rpc.close()
      await draining
      idle = []
      await queue.close()
    },
  }
}
