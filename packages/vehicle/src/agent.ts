import { EventEmitter } from 'node:events'
import { type EntryAction, type EntryActions, runMachine } from '@chargechain/agent-core'
import { VehicleAgentBusyError, VehicleAgentOptionError } from './errors.js'
import { type VehicleMachine, vehicleMachine } from './machine.js'
import { closeLink, type VehicleRuntime } from './runtime.js'
import { type VehicleSession, voucherOf } from './session.js'
import { charging, finishing, reconnecting, stopped } from './steps/charging.js'
import { authenticating, opening, paying, presenting, waiting } from './steps/handshake.js'
import { settlement } from './steps/settlement.js'
import { sessionShare } from './steps/vouchers.js'
import type {
  CreateVehicleAgentOptions,
  VehicleAgent,
  VehicleAgentEvents,
  VehicleData,
  VehicleState,
  VehicleStatus,
} from './types.js'

class SessionServed extends Error {
  override readonly name = 'SessionServed'
}

/** The vehicle agent: one charging session per link connection, on its journal. Everything it touches is injected. */
export function createVehicleAgent(options: CreateVehicleAgentOptions): VehicleAgent {
  const { config, hardware, chain, journal, logger, clock, link } = options
  if (!hardware?.meter)
    throw new VehicleAgentOptionError('The vehicle agent needs hardware.meter; pass its driver.')
  const { account } = chain
  if (account?.type !== 'local')
    throw new VehicleAgentOptionError("The vehicle agent's chain client needs the car's signer.")
  if (chain.deployment.chainId !== config.chain.chainId) {
    throw new VehicleAgentOptionError(
      `The chain client is for chain ${chain.deployment.chainId} but the config says ${config.chain.chainId}; use the matching deployment.`,
    )
  }
  const emitter = new EventEmitter()
  const runtime: VehicleRuntime = {
    config,
    hardware,
    link,
    chain,
    account,
    clock,
    session: undefined,
    stop: { wanted: false, sent: false },
    voucheredAt: undefined,
    emit: (event, ...args) => {
      emitter.emit(event, ...args)
    },
  }
  const initialData: VehicleData = { channels: {}, completed: 0 }
  let current: { state: VehicleState; data: VehicleData } = {
    state: journal.replay()?.value.state ?? vehicleMachine.initial,
    data: journal.replay()?.value.data ?? initialData,
  }
  let running = false

  /** Tracks the state for status() and the events around each step; `isServed` ends runOnce back in waiting. */
  const wrap = (isServed: (data: VehicleData) => boolean, stop: () => void) => {
    const observe =
      <S extends VehicleState, E extends string>(
        action: EntryAction<S, E, VehicleData>,
      ): EntryAction<S, E, VehicleData> =>
      async (context) => {
        const from = current.state
        current = { state: context.state, data: context.data }
        if (from !== context.state) runtime.emit('state', { state: context.state, from })
        if (context.state === 'waiting' && isServed(context.data)) stop()
        try {
          return await action(context)
        } catch (error) {
          // Ending runOnce aborts the step in progress with SessionServed: that is no failure.
          if (!(error instanceof SessionServed)) runtime.emit('stepFailed', { error, state: context.state })
          throw error
        }
      }
    const actions: EntryActions<VehicleMachine, VehicleData> = {
      waiting: observe(waiting(runtime)),
      authenticating: observe(authenticating(runtime)),
      paying: observe(paying(runtime)),
      opening: observe(opening(runtime)),
      presenting: observe(presenting(runtime)),
      charging: observe(charging(runtime)),
      reconnecting: observe(reconnecting(runtime)),
      stopped: observe(stopped(runtime)),
      finishing: observe(finishing(runtime)),
      settlement: observe(settlement(runtime)),
    }
    return actions
  }

  const run = async (signal: AbortSignal, once: boolean) => {
    if (running)
      throw new VehicleAgentBusyError('This vehicle agent is already running; call run() once per agent.')
    running = true
    const controller = new AbortController()
    const onAbort = () => controller.abort(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    // Served = back in `waiting` with one more session completed, or after the car or the pile refused one.
    const startCompleted = current.data.completed
    let refused = false
    const offRefused = onRefused(() => {
      refused = true
      // A pile turned away in `waiting` (wrong chain or registry) never leaves it: that refusal ends the run here.
      if (once && current.state === 'waiting') controller.abort(new SessionServed())
    })
    const isServed = (data: VehicleData) => once && (refused || data.completed > startCompleted)
    const actions = wrap(isServed, () => controller.abort(new SessionServed()))
    try {
      await runMachine({
        machine: vehicleMachine,
        actions,
        journal,
        initialData,
        logger,
        signal: controller.signal,
      })
    } catch (error) {
      if (!controller.signal.aborted) throw error
    } finally {
      offRefused()
      signal.removeEventListener('abort', onAbort)
      await closeLink(runtime)
      running = false
    }
  }
  const onRefused = (listener: () => void) => {
    emitter.on('sessionRefused', listener)
    return () => emitter.off('sessionRefused', listener)
  }

  return {
    run: (signal) => run(signal, false),
    runOnce: (signal) => run(signal, true),
    async requestStop() {
      const link = runtime.session
      if (current.state !== 'charging' || !link || link.closed) return false
      runtime.stop.wanted = true
      if (runtime.stop.sent) return true
      runtime.stop.sent = true
      await link.send({ type: 'StopRequest', reason: 'vehicleRequested' })
      return true
    },
    status(): VehicleStatus {
      const { state, data } = current
      return {
        state,
        completed: data.completed,
        ...(data.session ? { session: sessionStatus(data.session) } : {}),
      }
    },
    on<E extends keyof VehicleAgentEvents>(event: E, listener: (...args: VehicleAgentEvents[E]) => void) {
      emitter.on(event, listener as (...args: unknown[]) => void)
      return () => emitter.off(event, listener as (...args: unknown[]) => void)
    },
  }
}

function sessionStatus(session: VehicleSession): NonNullable<VehicleStatus['session']> {
  const { pileId } = session
  if (session.kind === 'greeted' || session.kind === 'offered' || session.kind === 'opening')
    return { pileId, energyWh: 0, amount: 0n }
  return {
    pileId,
    kind: session.kind,
    energyWh: voucherOf(session)?.energyWh ?? 0,
    amount: sessionShare(session, voucherOf(session)),
  }
}
