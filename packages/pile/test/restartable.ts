// Both agents on journals that outlive them, so either can be stopped and rebuilt mid-session — or made to die right
// before one of its journal writes, which is where a kill -9 leaves an agent that has already told the other side.
import { type Journal, openJournal } from '@chargechain/agent-core'
import type { ChargeChainClient } from '@chargechain/chain'
import { chargers, createChargingSimulation } from '@chargechain/hardware'
import {
  createVehicleAgent,
  type VehicleAgent,
  type VehicleConfigInput,
  type VehicleSnapshot,
  vehicleJournal,
} from '@chargechain/vehicle'
import {
  createPileAgent,
  type PileAgent,
  type PileConfigInput,
  type PileSnapshot,
  pileJournal,
} from '../src/index.js'
import { createLinkBroker } from '../src/testing.js'
import {
  type Chain,
  channelLedgerFor,
  PRICE_PER_KWH,
  pileConfig,
  silent,
  tempJournal,
  vehicleConfig,
} from './fixture.js'

export const DEPOSIT = 2_000_000_000_000_000n

export interface StartOptions<Snapshot> {
  /** The agent dies right before the first journal write this picks: the record never reaches the file. */
  dieBefore?: (snapshot: Snapshot) => boolean
}

export interface WorldOptions {
  vehicle?: Partial<VehicleConfigInput>
  pile?: Partial<PileConfigInput>
  /** The pile meter's register step (10 Wh, a DDSD1352's, by default). */
  pileMeterResolutionWh?: number
}

export async function restartableWorld(
  chain: Chain,
  car: ChargeChainClient,
  {
    vehicle = {
      payment: { maxPricePerKWh: String(PRICE_PER_KWH), deposit: String(DEPOSIT), preference: 'escrow' },
    },
    pile = {},
    pileMeterResolutionWh,
  }: WorldOptions = {},
) {
  const world = createChargingSimulation({
    speed: 60,
    charger: chargers.ac7kW,
    ...(pileMeterResolutionWh === undefined ? {} : { pileMeterResolutionWh }),
  })
  const broker = createLinkBroker()
  const paths = { pile: await tempJournal('pile'), vehicle: await tempJournal('vehicle') }
  // The operator's ledger outlives the pile agent's process.
  const channelLedger = channelLedgerFor(chain)
  const startPile = async ({ dieBefore }: StartOptions<PileSnapshot> = {}) => {
    const controller = new AbortController()
    const journal = await openJournal(paths.pile, pileJournal)
    const agent = createPileAgent({
      // Long enough (in real time, at 60×) for a restarted car to come back.
      config: pileConfig(chain, {
        link: { voucherWaitMs: 1_000, answerTimeoutMs: 60_000, reconnectTimeoutMs: 600_000 },
        ...pile,
      }),
      hardware: { ...world.pile, linkStatus: world.pile.link },
      link: broker.pile,
      chain: chain.pileAgentClient,
      journal: dying(journal, controller, dieBefore),
      logger: silent,
      clock: world.clock,
      channelLedger,
    })
    return running(agent, controller, (signal) => agent.run(signal), journal)
  }
  /** `once`: the car's agent ends after its visit (`runOnce`); else it stays on, waiting for the next pile. */
  const startCar = async ({
    dieBefore,
    once = true,
  }: StartOptions<VehicleSnapshot> & { once?: boolean } = {}) => {
    const controller = new AbortController()
    const journal = await openJournal(paths.vehicle, vehicleJournal)
    const agent = createVehicleAgent({
      config: vehicleConfig(chain, vehicle),
      hardware: world.car,
      link: broker.car,
      chain: car,
      journal: dying(journal, controller, dieBefore),
      logger: silent,
      clock: world.clock,
    })
    return running(agent, controller, (signal) => (once ? agent.runOnce(signal) : agent.run(signal)), journal)
  }
  return { world, startPile, startCar, channelLedger }
}

/** The journal, except that the write `dieBefore` picks stops the agent instead: its record is never written. */
function dying<Value>(
  journal: Journal<Value>,
  controller: AbortController,
  dieBefore: ((value: Value) => boolean) | undefined,
): Journal<Value> {
  if (!dieBefore) return journal
  return {
    path: journal.path,
    droppedBytes: journal.droppedBytes,
    replay: () => journal.replay(),
    compact: () => journal.compact(),
    close: () => journal.close(),
    append(value) {
      if (controller.signal.aborted || dieBefore(value)) {
        controller.abort(new Error('agent killed before its journal write'))
        return Promise.reject(controller.signal.reason)
      }
      return journal.append(value)
    },
  }
}

function running<A extends PileAgent | VehicleAgent, J extends { close(): Promise<void> }>(
  agent: A,
  controller: AbortController,
  run: (signal: AbortSignal) => Promise<void>,
  journal: J,
) {
  const done = run(controller.signal)
  const stopped = done.then(() => journal.close())
  return {
    agent,
    done,
    journal,
    /** Resolves once the agent has stopped, by `kill()` or by dying at its chosen journal write. */
    stopped,
    /** Aborts the agent the way a crash would leave its journal, and releases the file. */
    async kill() {
      controller.abort()
      await stopped
    },
  }
}
