import type { Logger } from '@chargechain/agent-core'
import type { ChargeChainClient, Terms } from '@chargechain/chain'
import type { Clock, DigitalInput, MeterReading } from '@chargechain/hardware'
import {
  type ApplicationMessage,
  createSession,
  ExpectTimeoutError,
  type LinkSession,
} from '@chargechain/link'
import type { Address } from 'viem'
import type { ChannelLedger } from './channelLedger/types.js'
import type { CommandBox } from './commands.js'
import type { PileConfig } from './config.js'
import { MeterUnavailableError } from './errors.js'
import type { RefundWatch } from './refundWatch.js'
import type { PileAgentEvents, PileAgentHardware, PileLink } from './types.js'

/**
 * What the steps share that cannot be journaled: the hardware, the live link, caches. Rebuilt empty by a new agent,
 * which is why every step that needs the link checks for it and copes when it is gone.
 */
export interface PileRuntime {
  config: PileConfig
  hardware: PileAgentHardware
  link: PileLink
  chain: ChargeChainClient
  clock: Clock
  ledger: ChannelLedger | undefined
  /** The car's link for the session in progress, if connected. */
  session: LinkSession | undefined
  /** The line rate of that link when the transport states one (a UART): sizes the real-time floor of waits. */
  lineBytesPerSecond: number | undefined
  /** Removes the gun-out watcher that cuts the relay the moment the gun is pulled. */
  stopGunWatch: (() => void) | undefined
  /** The escrow session in progress, watched for the car's refund request. */
  refundWatch: RefundWatch | undefined
  emit<E extends keyof PileAgentEvents>(event: E, ...args: PileAgentEvents[E]): void
  registry: RegistryCache
  /** The operator's commands (stop, stop at, availability), taken by the steps. */
  commands: CommandBox
}

export async function closeLink(runtime: PileRuntime): Promise<void> {
  const session = runtime.session
  runtime.session = undefined
  runtime.lineBytesPerSecond = undefined
  await session?.close()
}

export interface ReceiveOptions {
  /** How long to wait, on the agent's clock. */
  clockMs: number
  /**
   * The least real time to wait as well: a simulated clock may run far ahead of the line, and a car cannot answer
   * faster than its bytes travel. See `answerFloorMs`.
   */
  minRealMs?: number
  /** Ends the wait early (abort, gun out): resolves `undefined` like a timeout. */
  signal: AbortSignal
}

/**
 * The car's next message, or `undefined` when the wait ends first. A message arriving after the wait ended stays
 * queued in the session for the next one. Link failures reject.
 */
export async function receive(
  link: LinkSession,
  { clockMs, minRealMs = 0, signal }: ReceiveOptions,
): Promise<ApplicationMessage | undefined> {
  try {
    return await link.next({ timeoutMs: Math.max(0, clockMs), minRealMs, signal })
  } catch (error) {
    if (error instanceof ExpectTimeoutError || (signal.aborted && error === signal.reason)) return undefined
    throw error
  }
}

/** Bytes of one answer exchange on the line: our frame out, the car's voucher back, and both acknowledgements. */
const ANSWER_EXCHANGE_BYTES = 256

/**
 * The real time the car is given to answer a message: its wire time at the link's line rate (none in memory) plus
 * `voucherWaitMs` for the car to sign and journal. Added as a floor to clock timeouts, it keeps a fast simulated clock
 * or a loaded CPU from turning a slow line into a silent car.
 */
function answerFloorMs(runtime: PileRuntime): number {
  const rate = runtime.lineBytesPerSecond
  const wire = rate ? (ANSWER_EXCHANGE_BYTES * 1000) / rate : 0
  return Math.ceil(wire) + runtime.config.link.voucherWaitMs
}

/**
 * The time the car has for one answer, from now: `answerTimeoutMs` on the agent's clock and at least `answerFloorMs` in
 * real time. Each wait within it takes what is left, so messages that come first (a stale voucher still on the line, a
 * refused one) neither cut the car's time short nor let a chatty car stretch it.
 */
export function answerWindow(runtime: PileRuntime): () => { clockMs: number; minRealMs: number } {
  const clockEnd = runtime.clock.now() + runtime.config.link.answerTimeoutMs
  const realEnd = performance.now() + answerFloorMs(runtime)
  return () => ({
    clockMs: Math.max(0, clockEnd - runtime.clock.now()),
    minRealMs: Math.max(0, realEnd - performance.now()),
  })
}

/** Accepts the car's connection, giving up after `timeoutMs` of the agent's clock or when `stop` fires. */
export async function acceptLink(
  runtime: PileRuntime,
  timeoutMs: number,
  signal: AbortSignal,
  stop?: (abort: () => void) => () => void,
): Promise<LinkSession | undefined> {
  await closeLink(runtime)
  const controller = new AbortController()
  const abort = () => controller.abort(new Error('link wait ended'))
  const timer = runtime.clock.setTimeout(abort, timeoutMs)
  const unwatch = stop?.(abort)
  const onAbort = () => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort()
  try {
    const transport = await runtime.link.accept(controller.signal)
    // The agent's clock times the waits, and the agent stopping ends them at once.
    runtime.session = createSession({ transport, clock: runtime.clock, signal })
    runtime.lineBytesPerSecond = transport.bytesPerSecond
    return runtime.session
  } catch (error) {
    if (signal.aborted) throw signal.reason
    if (controller.signal.aborted) return undefined
    throw error
  } finally {
    timer.cancel()
    unwatch?.()
    signal.removeEventListener('abort', onAbort)
  }
}

/** Resolves once `input` reads `level` (at once if it already does); rejects with `signal.reason` on abort. */
export function waitForLevel(input: DigitalInput, level: boolean, signal: AbortSignal): Promise<void> {
  if (input.current() === level) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      unsubscribe()
      reject(signal.reason)
    }
    const unsubscribe = input.onEdge((edge) => {
      if (edge.level !== level) return
      unsubscribe()
      signal.removeEventListener('abort', onAbort)
      resolve()
    })
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Reads the meter, retrying transient failures as the config says; `MeterUnavailableError` after too many. */
export async function readMeter(
  runtime: PileRuntime,
  signal: AbortSignal,
  logger: Logger,
): Promise<MeterReading> {
  const { maxConsecutiveFailures, retryDelayMs } = runtime.config.meter
  let lastError: unknown
  for (let attempt = 1; attempt <= maxConsecutiveFailures; attempt++) {
    try {
      return await runtime.hardware.meter.read()
    } catch (error) {
      lastError = error
      logger.warn({ err: error, attempt }, 'meter read failed')
      if (attempt < maxConsecutiveFailures) await runtime.clock.sleep(retryDelayMs, signal)
    }
  }
  throw new MeterUnavailableError(
    `The energy meter failed ${maxConsecutiveFailures} reads in a row; check its bus wiring and power.`,
    { cause: lastError },
  )
}

/** The pile's owner and the terms a session opened now must bind. */
export interface PileRecord {
  owner: Address
  terms: Terms
}

/** Registry answers reused for `registryCacheMs`, so a queue of cars does not cost a read each. */
export interface RegistryCache {
  pile(): Promise<PileRecord>
  isFree(vehicle: Address): Promise<boolean>
}

export function createRegistryCache(
  chain: ChargeChainClient,
  config: PileConfig,
  clock: Clock,
): RegistryCache {
  const ttl = config.payment.registryCacheMs
  let pile: { value: PileRecord; at: number } | undefined
  const free = new Map<string, { value: boolean; at: number }>()
  const fresh = (entry: { at: number } | undefined) => entry !== undefined && clock.now() - entry.at < ttl
  return {
    async pile() {
      if (pile && fresh(pile)) return pile.value
      const { owner, terms } = await chain.getPile({ pileId: config.pileId })
      const record = { owner, terms }
      pile = { value: record, at: clock.now() }
      return record
    },
    async isFree(vehicle) {
      const key = vehicle.toLowerCase()
      const cached = free.get(key)
      if (cached && fresh(cached)) return cached.value
      const value = await chain.isFreeVehicle({ pileId: config.pileId, vehicle })
      free.set(key, { value, at: clock.now() })
      return value
    },
  }
}
