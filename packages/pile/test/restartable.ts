// Both agents on journals that outlive them, so either can be stopped and rebuilt mid-session — or made to die right
// before one of its journal writes, which is where a kill -9 leaves an agent that has already told the other side.
// The harness of the kill and restart tests: a channel car, the voucher record, plugging in and seeing the visit off.
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
import { expect } from 'vitest'
import {
  type ChannelLedger,
  type PileAgent,
  type PileConfigInput,
  type PileSnapshot,
  pileJournal,
} from '../src/index.js'
import { createLinkBroker, type LinkBrokerOptions } from '../src/testing.js'
import {
  type Chain,
  channelLedgerFor,
  PRICE_PER_KWH,
  silent,
  tempJournal,
  testPileAgent,
  vehicleConfig,
  waitFor,
} from './fixture.js'

export const DEPOSIT = 2_000_000_000_000_000n

export interface StartOptions<Snapshot> {
  /** The agent dies right before the first journal write this picks: the record never reaches the file. */
  dieBefore?: (snapshot: Snapshot) => boolean
  /** The first journal write `write` picks waits for `until` first, as on a slow disk. */
  holdBefore?: { write: (snapshot: Snapshot) => boolean; until: Promise<unknown> }
}

export interface WorldOptions {
  vehicle?: Partial<VehicleConfigInput>
  pile?: Partial<PileConfigInput>
  /** The pile meter's register step (10 Wh, a DDSD1352's, by default). */
  pileMeterResolutionWh?: number
  /** Wraps each end of each link connection (see createLinkBroker). */
  wrapLink?: LinkBrokerOptions['wrap']
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
    wrapLink,
  }: WorldOptions = {},
) {
  const world = createChargingSimulation({
    speed: 60,
    charger: chargers.ac7kW,
    ...(pileMeterResolutionWh === undefined ? {} : { pileMeterResolutionWh }),
  })
  const broker = createLinkBroker(wrapLink ? { wrap: wrapLink } : {})
  const paths = { pile: await tempJournal('pile'), vehicle: await tempJournal('vehicle') }
  // The operator's ledger outlives the pile agent's process.
  const channelLedger = channelLedgerFor(chain)
  // The agents last started: the ones `finish` waits for and stops.
  let lastPile: ReturnType<typeof running<PileAgent, Journal<PileSnapshot>>> | undefined
  let lastCar: ReturnType<typeof running<VehicleAgent, Journal<VehicleSnapshot>>> | undefined
  const startPile = async (hooks: StartOptions<PileSnapshot> = {}) => {
    const controller = new AbortController()
    const journal = await openJournal(paths.pile, pileJournal)
    const agent = testPileAgent(chain, {
      world,
      // Long enough (in real time, at 60×) for a restarted car to come back.
      config: {
        link: { voucherWaitMs: 1_000, answerTimeoutMs: 60_000, reconnectTimeoutMs: 600_000 },
        ...pile,
      },
      link: broker.pile,
      journal: hooked(journal, controller, hooks),
      channelLedger,
    })
    lastPile = running(agent, controller, (signal) => agent.run(signal), journal)
    return lastPile
  }
  /** `once`: the car's agent ends after its visit (`runOnce`); else it stays on, waiting for the next pile. */
  const startCar = async ({
    once = true,
    ...hooks
  }: StartOptions<VehicleSnapshot> & { once?: boolean } = {}) => {
    const controller = new AbortController()
    const journal = await openJournal(paths.vehicle, vehicleJournal)
    const agent = createVehicleAgent({
      config: vehicleConfig(chain, vehicle),
      hardware: world.car,
      link: broker.car,
      chain: car,
      journal: hooked(journal, controller, hooks),
      logger: silent,
      clock: world.clock,
    })
    lastCar = running(
      agent,
      controller,
      (signal) => (once ? agent.runOnce(signal) : agent.run(signal)),
      journal,
    )
    return lastCar
  }
  /** The driver arrives and plugs in; `chargingMs` of world time after `charging()` holds, unplugs. */
  const plugIn = async (charging: () => boolean, chargingMs: number) => {
    world.arrive()
    world.plug()
    await waitFor(charging)
    await world.clock.sleep(chargingMs)
    world.unplug()
  }
  /** The driver leaves: the car's visit ends and the pile goes idle; then the pile stops and the world closes. */
  const finish = async () => {
    world.leave()
    await lastCar?.done
    const pile = lastPile
    if (pile) {
      await waitFor(() => pile.agent.status().state === 'idle')
      await pile.kill()
    }
    await world.close()
  }
  return { world, startPile, startCar, plugIn, finish, channelLedger }
}

/** A car that pays through the test chain's channel, with the link timeouts `link` sets. */
export function channelCar(chain: Chain, link: VehicleConfigInput['link']): Partial<VehicleConfigInput> {
  return {
    payment: {
      maxPricePerKWh: String(PRICE_PER_KWH),
      deposit: String(DEPOSIT),
      channels: [{ channelId: chain.channelId, operator: chain.payout }],
      preference: 'channel',
    },
    link,
  }
}

/** Every voucher the car's agent signs, with the state it signed it in (the final one: `stopped`). */
export function vouchersOf(agent: VehicleAgent): { amount: bigint; state: string }[] {
  const signed: { amount: bigint; state: string }[] = []
  let state = ''
  agent.on('state', (event) => {
    state = event.state
  })
  agent.on('voucher', ({ amount }) => signed.push({ amount, state }))
  return signed
}

/**
 * The car's final channel voucher, signed after ChargingStopped and for more than the one before, is what its
 * journal keeps and what the operator's ledger settles.
 */
export async function expectLedgerAtFinalVoucher(
  chain: Chain,
  signed: readonly { amount: bigint; state: string }[],
  car: Journal<VehicleSnapshot>,
  ledger: ChannelLedger,
) {
  const last = signed.at(-1)
  expect(last?.state).toBe('stopped')
  expect(last?.amount).toBeGreaterThan(signed.at(-2)?.amount ?? 0n)
  expect(car.replay()?.value.data.channels[chain.channelId.toLowerCase()]).toBe(last?.amount)
  expect((await ledger.get(chain.channelId))?.cumulativeAmount).toBe(last?.amount)
}

/** The journal, except that the write `dieBefore` picks stops the agent instead, and the one `holdBefore` picks waits. */
function hooked<Value>(
  journal: Journal<Value>,
  controller: AbortController,
  { dieBefore, holdBefore }: StartOptions<Value>,
): Journal<Value> {
  if (!dieBefore && !holdBefore) return journal
  let held = false
  return {
    path: journal.path,
    droppedBytes: journal.droppedBytes,
    replay: () => journal.replay(),
    compact: () => journal.compact(),
    close: () => journal.close(),
    async append(value) {
      if (controller.signal.aborted || dieBefore?.(value)) {
        controller.abort(new Error('agent killed before its journal write'))
        throw controller.signal.reason
      }
      if (holdBefore && !held && holdBefore.write(value)) {
        held = true
        await holdBefore.until
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
