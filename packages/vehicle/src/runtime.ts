import type { EntryAction, EventFrom } from '@chargechain/agent-core'
import type { ChargeChainClient } from '@chargechain/chain'
import type { Clock, IndicatorState } from '@chargechain/hardware'
import {
  type ApplicationMessage,
  createSession,
  ExpectTimeoutError,
  type LinkSession,
  SessionClosedError,
} from '@chargechain/link'
import type { LocalAccount } from 'viem'
import type { VehicleConfig } from './config.js'
import type { VehicleMachine } from './machine.js'
import type {
  VehicleAgentEvents,
  VehicleAgentHardware,
  VehicleData,
  VehicleLink,
  VehicleState,
} from './types.js'

/** What the steps share that cannot be journaled: hardware, the live link. */
export interface VehicleRuntime {
  config: VehicleConfig
  hardware: VehicleAgentHardware
  link: VehicleLink
  chain: ChargeChainClient
  /** The car's key, which the chain client signs with: the challenge, the vouchers, the deposits. */
  account: LocalAccount
  clock: Clock
  session: LinkSession | undefined
  /** The driver asked to stop (requestStop) during this session's charge; the StopRequest has gone out once sent. */
  stop: { wanted: boolean; sent: boolean }
  /** When (agent's clock) the car last signed and journaled a voucher during this charge; paces the next. */
  voucheredAt: number | undefined
  emit<E extends keyof VehicleAgentEvents>(event: E, ...args: VehicleAgentEvents[E]): void
}

export type VehicleStep<S extends VehicleState> = (
  runtime: VehicleRuntime,
) => EntryAction<S, EventFrom<VehicleMachine, S>, VehicleData>

export async function closeLink(runtime: VehicleRuntime): Promise<void> {
  const session = runtime.session
  runtime.session = undefined
  await session?.close()
}

export interface ConnectOptions {
  /** No limit when omitted. */
  timeoutMs?: number
  /** Ends this attempt (not the agent): `undefined` as on a timeout. */
  until?: AbortSignal
}

/**
 * Connects to a pile; `undefined` if `timeoutMs` of the agent's clock pass or `until` aborts first. The session lives
 * until closed or until the agent stops (`signal`).
 */
export async function connectLink(
  runtime: VehicleRuntime,
  signal: AbortSignal,
  { timeoutMs, until }: ConnectOptions = {},
): Promise<LinkSession | undefined> {
  await closeLink(runtime)
  const controller = new AbortController()
  const giveUp = () => controller.abort()
  const timer = timeoutMs === undefined ? undefined : runtime.clock.setTimeout(giveUp, timeoutMs)
  const onAbort = () => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  until?.addEventListener('abort', giveUp, { once: true })
  if (signal.aborted) onAbort()
  else if (until?.aborted) giveUp()
  try {
    const transport = await runtime.link.connect(controller.signal)
    // The agent's clock times the waits, and the agent stopping ends them at once.
    runtime.session = createSession({ transport, clock: runtime.clock, signal })
    return runtime.session
  } catch (error) {
    if (signal.aborted) throw signal.reason
    if (controller.signal.aborted) return undefined
    throw error
  } finally {
    timer?.cancel()
    signal.removeEventListener('abort', onAbort)
    until?.removeEventListener('abort', giveUp)
  }
}

/** The next message, or `undefined` when the pile stayed silent for `timeoutMs` or the link closed. */
export async function nextMessage(
  link: LinkSession,
  timeoutMs: number,
): Promise<ApplicationMessage | undefined> {
  try {
    return await link.next({ timeoutMs })
  } catch (error) {
    if (error instanceof ExpectTimeoutError || error instanceof SessionClosedError) return undefined
    throw error
  }
}

export async function show(runtime: VehicleRuntime, state: IndicatorState): Promise<void> {
  await runtime.hardware.lights?.show(state)
}
