import { EventEmitter } from 'node:events'
import { type EntryAction, type EntryActions, runMachine } from '@chargechain/agent-core'
import type { StopReason } from '@chargechain/link'
import { journalAvailability } from './availability.js'
import { createCommandBox } from './commands.js'
import { PileAgentBusyError, PileAgentOptionError } from './errors.js'
import { type PileMachine, pileMachine } from './machine.js'
import { closeLink, createRegistryCache, type PileRuntime, readMeter } from './runtime.js'
import type { PileSession } from './session.js'
import { connecting, departing, idle } from './steps/arrival.js'
import { charging, starting, stopping } from './steps/charging.js'
import { authenticating, awaitingPayment } from './steps/handshake.js'
import { receipt, settling } from './steps/settlement.js'
import { sessionAmount } from './steps/vouchers.js'
import type {
  CreatePileAgentOptions,
  PileAgent,
  PileAgentEvents,
  PileData,
  PileState,
  PileStatus,
} from './types.js'

/**
 * The pile agent: serves one car after another on its journal. Hardware, link, chain, ledger and clock are injected;
 * the agent owns no process concerns (signals, config files, logging destinations).
 */
export function createPileAgent(options: CreatePileAgentOptions): PileAgent {
  const { config, hardware, chain, logger, clock, link, channelLedger } = options
  for (const part of ['arrival', 'gun', 'relay', 'meter'] as const) {
    if (!hardware?.[part])
      throw new PileAgentOptionError(`The pile agent needs hardware.${part}; pass its driver.`)
  }
  if (chain.deployment.chainId !== config.chain.chainId) {
    throw new PileAgentOptionError(
      `The chain client is for chain ${chain.deployment.chainId} but the config says ${config.chain.chainId}; use the matching deployment.`,
    )
  }
  const emitter = new EventEmitter()
  const emit: PileRuntime['emit'] = (event, ...args) => {
    emitter.emit(event, ...args)
  }
  const runtime: PileRuntime = {
    config,
    hardware,
    link,
    chain,
    clock,
    ledger: channelLedger,
    session: undefined,
    lineBytesPerSecond: undefined,
    refundWatch: undefined,
    stopGunWatch: undefined,
    emit,
    registry: createRegistryCache(chain, config, clock),
    commands: createCommandBox(!options.journal.replay()?.value.data.unavailable),
  }
  const availability = journalAvailability(options.journal, () => runtime.commands.available)
  const { journal } = availability
  let current: { state: PileState; data: PileData } = {
    state: journal.replay()?.value.state ?? pileMachine.initial,
    data: journal.replay()?.value.data ?? { completed: 0 },
  }
  let running = false

  /** Tracks the state for status() and the events, around each step. */
  const observe =
    <S extends PileState, E extends string>(
      action: EntryAction<S, E, PileData>,
    ): EntryAction<S, E, PileData> =>
    async (context) => {
      const from = current.state
      current = { state: context.state, data: context.data }
      if (from !== context.state) emit('state', { state: context.state, from })
      try {
        return await action(context)
      } catch (error) {
        emit('stepFailed', { error, state: context.state })
        throw error
      }
    }
  const actions: EntryActions<PileMachine, PileData> = {
    idle: observe(idle(runtime)),
    connecting: observe(connecting(runtime)),
    authenticating: observe(authenticating(runtime)),
    awaitingPayment: observe(awaitingPayment(runtime)),
    starting: observe(starting(runtime)),
    charging: observe(charging(runtime)),
    stopping: observe(stopping(runtime)),
    settling: observe(settling(runtime)),
    receipt: observe(receipt(runtime)),
    departing: observe(departing(runtime)),
  }

  /** Whether `sessionId` is the session in progress and where: 'live' until the relay is off for good. */
  const phaseOf = (sessionId: string): 'live' | 'ending' | undefined => {
    const { state, data } = current
    if (data.session?.id.toLowerCase() !== sessionId.toLowerCase()) return undefined
    if (state === 'starting' || state === 'charging') return 'live'
    if (state === 'stopping' || state === 'settling' || state === 'receipt') return 'ending'
    return undefined
  }

  return {
    stop(sessionId, reason: StopReason = 'operatorStopped') {
      const phase = phaseOf(sessionId)
      if (phase === 'live') runtime.commands.request(sessionId, { stop: reason })
      return phase !== undefined
    },
    stopAt(sessionId, energyWh) {
      if (!Number.isSafeInteger(energyWh) || energyWh < 0)
        throw new PileAgentOptionError(`stopAt needs a whole, non-negative number of Wh; got ${energyWh}.`)
      if (phaseOf(sessionId) !== 'live') return false
      runtime.commands.request(sessionId, { stopAtWh: energyWh })
      return true
    },
    // The meter's driver takes one request at a time, so this read waits its turn beside the charging step's.
    readMeter: () => readMeter(runtime, new AbortController().signal, logger),
    async setAvailable(available) {
      if (available === runtime.commands.available) return
      runtime.commands.setAvailable(available)
      emit('availability', { available })
      await availability.write()
    },
    async run(signal) {
      if (running)
        throw new PileAgentBusyError('This pile agent is already running; call run() once per agent.')
      running = true
      try {
        await runMachine({
          machine: pileMachine,
          actions,
          journal,
          initialData: { completed: 0 },
          logger,
          signal,
        })
      } catch (error) {
        if (!signal.aborted) throw error
      } finally {
        runtime.stopGunWatch?.()
        runtime.refundWatch?.stop()
        await hardware.relay
          .set(false)
          .catch((error: unknown) => logger.error({ err: error }, 'relay off failed'))
        await closeLink(runtime)
        running = false
      }
    },
    status(): PileStatus {
      const { state, data } = current
      return {
        state,
        available: runtime.commands.available,
        completed: data.completed,
        ...(data.session ? { session: sessionStatus(data.session) } : {}),
      }
    },
    on<E extends keyof PileAgentEvents>(event: E, listener: (...args: PileAgentEvents[E]) => void) {
      emitter.on(event, listener as (...args: unknown[]) => void)
      return () => emitter.off(event, listener as (...args: unknown[]) => void)
    },
  }
}

function sessionStatus(session: PileSession): NonNullable<PileStatus['session']> {
  if (session.kind === 'arrived') return { id: session.id, energyWh: 0, amount: 0n }
  if (session.kind === 'offered') return { id: session.id, vehicle: session.vehicle, energyWh: 0, amount: 0n }
  return {
    id: session.id,
    kind: session.kind,
    vehicle: session.vehicle,
    energyWh: session.energyWh,
    amount: session.amount ?? sessionAmount(session),
    ...(session.stopAtWh === undefined ? {} : { stopAtWh: session.stopAtWh }),
  }
}
