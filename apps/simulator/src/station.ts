import { join } from 'node:path'
import { type Journal, type Logger, openJournal } from '@chargechain/agent-core'
import type { ChargeChainClient } from '@chargechain/chain'
import { createChargingSimulation, type SimulatedClock } from '@chargechain/hardware'
import {
  type ChannelLedger,
  createPileAgent,
  type PileConfig,
  type PileState,
  pileJournal,
  type SessionFinished,
} from '@chargechain/pile'
import { createVehicleAgent, type VehicleConfig, type VehicleSnapshot } from '@chargechain/vehicle'
import type { CarPlan, PilePlan } from './fleet.js'
import type { PileLink } from './links.js'
import type { Random } from './random.js'
import type { PileReporter } from './reporting.js'

/** A car of the fleet with what it keeps between visits: its key's client and its journal. */
export interface SimulatedCar {
  readonly plan: CarPlan
  readonly config: VehicleConfig
  readonly chain: ChargeChainClient
  readonly journal: Journal<VehicleSnapshot>
}

export interface StationOptions {
  pile: PilePlan
  config: PileConfig
  chain: ChargeChainClient
  channelLedger: ChannelLedger | undefined
  link: PileLink
  clock: SimulatedClock
  directory: string
  logger: Logger
  random: Random
  scenario: Scenario
  /** Reports the pile to the management server over OCPP, when one runs. */
  reporter?: PileReporter
}

/** What the drivers do; in simulated time. */
export interface Scenario {
  /** Energy a driver came for, drawn uniformly from [min, max] Wh. */
  energyWh: readonly [number, number]
  /** A speed-up for benches: drivers act at once instead of at a human pace. */
  hurried?: boolean
}

export const defaultScenario: Scenario = { energyWh: [1_000, 12_000] }

export type VisitResult =
  | { outcome: 'finished'; session: SessionFinished }
  | { outcome: 'abandoned'; reason: string }

/** Simulated minutes, as the scenario thinks of a driver's pace. */
const MINUTE = 60_000

/**
 * One pile of the fleet and its physical surroundings. Each visit is a fresh `createChargingSimulation` world (the
 * arriving car's own battery and meter, the pile's meter register carried over) with a pile agent on the pile's
 * journal and a vehicle agent on the car's journal: the car arrives, pairs, pays, plugs in, charges until its driver
 * has what they came for (or the battery tapers off), unplugs and leaves.
 */
export async function openStation(options: StationOptions) {
  const { pile, clock, random, logger, scenario } = options
  const pause = (minMinutes: number, maxMinutes: number, signal: AbortSignal) =>
    clock.sleep(scenario.hurried ? 1_000 : random.between(minMinutes, maxMinutes) * MINUTE, signal)
  const journal = await openJournal(join(options.directory, `${pile.dmid}.journal`), pileJournal)
  let meterRegisterWh = random.integer(100_000, 5_000_000)

  const visit = async (car: SimulatedCar, signal: AbortSignal): Promise<VisitResult> => {
    const world = createChargingSimulation({
      clock,
      charger: pile.charger,
      battery: { capacityWh: car.plan.batteryWh, startSoc: random.between(0.1, 0.6) },
      vehicleMeterError: car.plan.meterError,
      pileMeterStartWh: meterRegisterWh,
    })
    const agentsStop = new AbortController()
    const stopAgents = () => agentsStop.abort(signal.reason)
    signal.addEventListener('abort', stopAgents, { once: true })
    const pileAgent = createPileAgent({
      config: options.config,
      hardware: {
        arrival: world.pile.arrival,
        gun: world.pile.gun,
        relay: world.pile.relay,
        meter: world.pile.meter,
        bluetoothPower: world.pile.bluetoothPower,
        linkStatus: world.pile.link,
      },
      link: options.link,
      chain: options.chain,
      journal,
      logger: logger.child({ pile: pile.dmid }),
      clock,
      ...(options.channelLedger ? { channelLedger: options.channelLedger } : {}),
    })
    const vehicleAgent = createVehicleAgent({
      config: car.config,
      hardware: { meter: world.car.meter, lights: world.car.lights },
      link: options.link,
      chain: car.chain,
      journal: car.journal,
      logger: logger.child({ car: car.plan.name }),
      clock,
    })

    let result: VisitResult | undefined
    const states: PileState[] = []
    const stateWaiters = new Set<() => void>()
    pileAgent.on('state', ({ state }) => {
      states.push(state)
      for (const wake of [...stateWaiters]) wake()
    })
    // Each failure is also the rejection of run(); these listeners keep a record of the state it happened in. A step
    // cut short because the visit is over (the agents are aborted) is routine, not worth a warning.
    pileAgent.on('stepFailed', ({ error, state }) => {
      if (!agentsStop.signal.aborted) logger.warn({ err: error, pile: pile.dmid, state }, 'pile agent error')
    })
    vehicleAgent.on('stepFailed', ({ error, state }) => {
      if (!agentsStop.signal.aborted)
        logger.warn({ err: error, car: car.plan.name, state }, 'vehicle agent error')
    })
    pileAgent.on('sessionFinished', (session) => {
      result = { outcome: 'finished', session }
    })
    pileAgent.on('sessionAbandoned', ({ reason }) => {
      result ??= { outcome: 'abandoned', reason }
    })
    const reached = (wanted: readonly PileState[], from = 0) =>
      new Promise<PileState>((resolve, reject) => {
        const check = () => {
          const found = states.slice(from).find((state) => wanted.includes(state))
          if (found) {
            stateWaiters.delete(check)
            resolve(found)
          } else if (agentsStop.signal.aborted) {
            stateWaiters.delete(check)
            reject(agentsStop.signal.reason)
          }
        }
        stateWaiters.add(check)
        agentsStop.signal.addEventListener('abort', check, { once: true })
        check()
      })

    // An agent that fails ends the visit: the scenario must not wait for a state that will never come.
    const failed = (error: unknown) => agentsStop.abort(error)
    let unwatch: (() => void) | undefined
    let pileRun: Promise<void> | undefined
    let vehicleRun: Promise<void> | undefined
    try {
      // Before the agent runs: it takes the pile's availability, which the operator may have changed since.
      unwatch = await options.reporter?.watch(pileAgent)
      pileRun = pileAgent.run(agentsStop.signal).catch(failed)
      world.arrive()
      await reached(['connecting'])
      await waitFor(() => world.pile.bluetoothPower.physical(), clock, agentsStop.signal)
      await pause(0.03, 0.15, agentsStop.signal) // the car's HC-05 pairs
      world.connectLink()
      vehicleRun = vehicleAgent.runOnce(agentsStop.signal).catch(failed)

      const afterPayment = await reached(['starting', 'departing'])
      if (afterPayment === 'starting') {
        await pause(0.3, 1.5, agentsStop.signal) // the driver walks round with the gun
        world.plug()
        const charged = await reached(['charging', 'stopping', 'departing'])
        if (charged === 'charging') {
          const wantedWh = random.between(...scenario.energyWh)
          const startWh = world.state().gridEnergyWh
          // Until the driver has what they came for, or the battery is full and draws nothing more.
          await waitFor(
            () => {
              const now = world.state()
              return now.gridEnergyWh - startWh >= wantedWh || !now.relayOn || now.gridPowerW === 0
            },
            clock,
            agentsStop.signal,
            scenario.hurried ? 1_000 : MINUTE,
          )
          // A full car's driver is seldom there at once: the car idles at the pile, which some tariffs bill.
          if (world.state().stateOfCharge >= 1 && !scenario.hurried) await pause(0.2, 1, agentsStop.signal)
        }
        if (world.state().plugged) world.unplug()
      }
      await reached(['departing'])
      await pause(0.2, 2, agentsStop.signal) // the driver gets back in and drives off
      world.leave()
      await reached(['idle'], states.lastIndexOf('departing'))
      await vehicleRun
      meterRegisterWh = (await world.pile.meter.read()).energyWh
      return result ?? { outcome: 'abandoned', reason: 'no session' }
    } finally {
      signal.removeEventListener('abort', stopAgents)
      agentsStop.abort(new Error('visit over'))
      await Promise.allSettled([pileRun, vehicleRun])
      unwatch?.()
      await world.close()
    }
  }

  return {
    pile,
    visit,
    /** Resolves once the operator has the pile in service (at once without a management server). */
    untilAvailable: async (signal: AbortSignal) => options.reporter?.untilAvailable(signal),
    async close() {
      await options.reporter?.close()
      await options.link.close()
      await journal.close()
    },
  }
}

export type Station = Awaited<ReturnType<typeof openStation>>

/** Polls a condition on the simulated clock (the world has no events for energy). */
async function waitFor(
  condition: () => boolean,
  clock: SimulatedClock,
  signal: AbortSignal,
  everyMs = 1_000,
) {
  while (!condition()) await clock.sleep(everyMs, signal)
}
