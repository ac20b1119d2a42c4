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

/** Connects to a pile; `undefined` if `timeoutMs` of the agent's clock pass first (no limit when omitted). */
export async function connectLink(
  runtime: VehicleRuntime,
  signal: AbortSignal,
  timeoutMs?: number,
): Promise<LinkSession | undefined> {
  await closeLink(runtime)
  const controller = new AbortController()
  const timer =
    timeoutMs === undefined ? undefined : runtime.clock.setTimeout(() => controller.abort(), timeoutMs)
  const onAbort = () => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort()
  try {
    runtime.session = createSession({ transport: await runtime.link.connect(controller.signal) })
    return runtime.session
  } catch (error) {
    if (signal.aborted) throw signal.reason
    if (controller.signal.aborted) return undefined
    throw error
  } finally {
    timer?.cancel()
    signal.removeEventListener('abort', onAbort)
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
