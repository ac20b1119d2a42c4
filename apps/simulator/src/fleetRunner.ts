import { setMaxListeners } from 'node:events'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, type Logger, openJournal } from '@chargechain/agent-core'
import { privateKeySigner } from '@chargechain/chain'
import { createSimulatedClock } from '@chargechain/hardware'
import {
  type ChannelLedger,
  chainChannelSettler,
  createMemoryChannelLedger,
  pileConfigSchema,
  type SessionFinished,
} from '@chargechain/pile'
import { vehicleConfigSchema, vehicleJournal } from '@chargechain/vehicle'
import { type AgentTiming, pileConfigFor, vehicleConfigFor } from './agentConfigs.js'
import type { DevNet } from './devnet.js'
import { type CarPlan, mayChargeAt, operatorOf, type PilePlan } from './fleet.js'
import { createPileLink, type LinkKind } from './links.js'
import type { Progress } from './progress.js'
import type { ProvisionedFleet } from './provision.js'
import { createRandom } from './random.js'
import type { PileReporter } from './reporting.js'
import { defaultScenario, openStation, type Scenario, type SimulatedCar, type Station } from './station.js'

export interface RunFleetOptions {
  devnet: DevNet
  fleet: ProvisionedFleet
  speed: number
  link: LinkKind
  seed: number
  progress: Progress
  /** Stops the scenario: no new arrivals; visits in progress are cut safely by their agents. */
  signal: AbortSignal
  /** Where journals and the JSON log go; a fresh temporary directory by default. */
  directory?: string
  logger?: Logger
  /** Stop each pile after this many visits (tests); unlimited by default. */
  visitsPerPile?: number
  scenario?: Scenario
  timing?: AgentTiming
  /** Connects a pile's OCPP reporter to the management server, when one runs. */
  reporterFor?: (pile: PilePlan, logger: Logger) => Promise<PileReporter>
  /** Called for each session a pile finished, with the car that charged. */
  onSession?: (session: SessionFinished, car: CarPlan, pile: PilePlan) => void
}

export interface FleetRun {
  directory: string
  logFile: string
}

/**
 * Runs the fleet in this process until `signal` aborts (or every pile has had `visitsPerPile` visits): each pile
 * takes the next free car allowed to charge there, after a random pause. Every agent is real; only the world is
 * simulated, on one clock running `speed` × real time.
 */
export async function runFleet(options: RunFleetOptions): Promise<FleetRun> {
  const { devnet, fleet, progress, signal } = options
  const { plan } = fleet
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'chargechain-sim-')))
  const logFile = join(directory, 'agents.log')
  const logger = options.logger ?? createLogger({ name: 'simulator', level: 'warn', destination: logFile })
  // Every pile waits on the same stop signal (pauses, visits): one listener each, not a leak.
  setMaxListeners(plan.piles.length * 4 + 10, signal)
  // The simulated clock starts at the real now, so what the piles report (OCPP timestamps) begins where the chain and
  // the server stand, then runs `speed` × faster, as the simulated world does.
  const clock = createSimulatedClock({ start: Date.now(), speed: options.speed })
  const random = createRandom(options.seed)
  const { rpcUrl } = devnet.chain
  const { deployment } = devnet

  // With a management server the piles use its ledger (their reporters'), as real piles do; without one, each
  // operator's ledger lives in this process.
  const ledgers: ChannelLedger[] = options.reporterFor
    ? []
    : plan.operators.map((operator) =>
        createMemoryChannelLedger({
          policy: { everySessions: 5, minAmount: 0n },
          settle: chainChannelSettler(
            devnet.clientFor(privateKeySigner(operator.payout.privateKey, operator.name)),
          ),
        }),
      )
  const cars: SimulatedCar[] = await Promise.all(
    plan.cars.map(async (car) => ({
      plan: car,
      config: vehicleConfigSchema.parse(vehicleConfigFor(fleet, car, deployment, rpcUrl)),
      chain: devnet.clientFor(privateKeySigner(car.key.privateKey, car.name)),
      journal: await openJournal(join(directory, `${car.name}.journal`), vehicleJournal),
    })),
  )
  const stations: Station[] = await Promise.all(
    plan.piles.map(async (pile) => {
      const reporter = await options.reporterFor?.(pile, logger)
      return openStation({
        pile,
        config: pileConfigSchema.parse(pileConfigFor(plan, pile, deployment, rpcUrl, options.timing)),
        chain: devnet.clientFor(privateKeySigner(pile.agent.privateKey, pile.dmid)),
        channelLedger: reporter ? reporter.ledger : ledgers[pile.operator],
        link: await createPileLink(options.link),
        clock,
        directory,
        logger,
        random,
        scenario: options.scenario ?? defaultScenario,
        ...(reporter ? { reporter } : {}),
      })
    }),
  )

  const busy = new Set<SimulatedCar>()
  const currencyOf = (station: Station) => operatorOf(plan, station.pile.operator).currency
  // The car that has waited longest goes next, as at a real station; cars that never charged go first.
  const lastServed = new Map<SimulatedCar, number>()
  let served = 0
  const nextCar = (station: Station) => {
    const eligible = cars.filter((car) => !busy.has(car) && mayChargeAt(plan, car.plan, station.pile))
    if (eligible.length === 0) return undefined
    const longest = Math.min(...eligible.map((car) => lastServed.get(car) ?? -1))
    const car = random.pick(eligible.filter((candidate) => (lastServed.get(candidate) ?? -1) === longest))
    lastServed.set(car, served++)
    return car
  }

  const serve = async (station: Station) => {
    for (let visits = 0; !signal.aborted && visits < (options.visitsPerPile ?? Number.POSITIVE_INFINITY); ) {
      try {
        // Nobody at the pile for a while.
        await clock.sleep(options.scenario?.hurried ? 1_000 : random.between(0.5, 5) * 60_000, signal)
        // A pile the operator made Inoperative takes no car, as a busy one: the cars charge elsewhere meanwhile.
        await station.untilAvailable(signal)
      } catch {
        break
      }
      const car = nextCar(station)
      if (!car) continue
      busy.add(car)
      visits++
      try {
        const result = await station.visit(car, signal)
        if (result.outcome === 'finished') {
          const { kind, energyWh, amount } = result.session
          progress.sessionFinished({ kind, energyWh, amount, currency: currencyOf(station) })
          options.onSession?.(result.session, car.plan, station.pile)
        } else {
          progress.abandoned()
          logger.warn(
            { pile: station.pile.dmid, car: car.plan.name, reason: result.reason },
            'visit abandoned',
          )
        }
      } catch (error) {
        if (signal.aborted) break
        progress.error()
        logger.error({ err: error, pile: station.pile.dmid, car: car.plan.name }, 'visit failed')
      } finally {
        busy.delete(car)
      }
    }
  }

  try {
    await Promise.all(stations.map(serve))
    await Promise.all(ledgers.map((ledger) => ledger.settleAll()))
  } finally {
    await Promise.allSettled([
      ...stations.map((station) => station.close()),
      ...cars.map((car) => car.journal.close()),
      ...ledgers.map((ledger) => ledger.close()),
    ])
  }
  return { directory, logFile }
}
