import { EventEmitter } from 'node:events'
import { type EntryActions, runMachine } from '@chargechain/agent-core'
import { VehicleAgentBusyError, VehicleAgentOptionError } from './errors.js'
import { type VehicleMachine, vehicleMachine } from './machine.js'
import { closeLink, type VehicleRuntime } from './runtime.js'
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
  if (!chain.account)
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
    clock,
    session: undefined,
    stop: { wanted: false, sent: false },
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

  const steps = {
    waiting,
    authenticating,
    paying,
    opening,
    presenting,
    charging,
    reconnecting,
    stopped,
    finishing,
    settlement,
  }
  const wrap = (isServed: (data: VehicleData) => boolean, stop: () => void) =>
    Object.fromEntries(
      Object.entries(steps).map(([state, step]) => {
        const action = (step as unknown as (runtime: VehicleRuntime) => (context: never) => Promise<never>)(
          runtime,
        )
        return [
          state,
          async (context: { state: VehicleState; data: VehicleData }) => {
            const from = current.state
            current = { state: context.state, data: context.data }
            if (from !== context.state) runtime.emit('state', { state: context.state, from })
            if (context.state === 'waiting' && isServed(context.data)) stop()
            try {
              return await action(context as never)
            } catch (error) {
              // Ending runOnce aborts the step in progress with SessionServed: that is no failure.
              if (!(error instanceof SessionServed))
                runtime.emit('stepFailed', { error, state: context.state })
              throw error
            }
          },
        ]
      }),
    ) as unknown as EntryActions<VehicleMachine, VehicleData>

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
      const session = current.data.session
      return {
        state: current.state,
        completed: current.data.completed,
        ...(session
          ? {
              session: {
                pileId: session.pileId,
                ...(session.kind ? { kind: session.kind } : {}),
                energyWh: session.voucher?.energyWh ?? 0,
                amount: sessionShare(session, session.voucher),
              },
            }
          : {}),
      }
    },
    on<E extends keyof VehicleAgentEvents>(event: E, listener: (...args: VehicleAgentEvents[E]) => void) {
      emitter.on(event, listener as (...args: unknown[]) => void)
      return () => emitter.off(event, listener as (...args: unknown[]) => void)
    },
  }
}
