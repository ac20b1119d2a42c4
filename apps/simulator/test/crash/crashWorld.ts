// What the crash matrix runs on: one dev chain with a small provisioned fleet, and lanes (a pile and a car of the
// fleet, both real agent processes) that serve visit after visit. Cases run concurrently, one per free lane of their
// flow; a case that fails leaves its lane to be rebuilt fresh, so it cannot spill into the next.

import { appendFile } from 'node:fs/promises'
import { isDeepStrictEqual } from 'node:util'
import { BaseError } from '@chargechain/errors'
import { type DevNet, startDevNet } from '../../src/devnet.js'
import { type CarKind, type CarPlan, mayChargeAt, type PilePlan, planFleet } from '../../src/fleet.js'
import { type ProvisionedFleet, provisionFleet } from '../../src/provision.js'
import { type AgentBundles, bundleAgents } from './bundles.js'
import type { Counts, CrashCase, Visit } from './crashCase.js'
import { counts, runVisit } from './crashCase.js'
import { CrashWorldError } from './errors.js'
import { carRecords, pileRecords } from './journals.js'
import { type Flow, type Lane, openLane } from './lane.js'
import { type Before, channelOutcome, escrowOutcome, freeOutcome, observeBefore } from './oracle.js'

/** A case that has not finished by then has failed. */
const CASE_DEADLINE_MS = 60_000
const kindOf: Record<Flow, CarKind> = { escrow: 'escrow', free: 'owner', channel: 'channel' }

export interface CrashWorld {
  readonly devnet: DevNet
  readonly fleet: ProvisionedFleet
  /** Runs one case on a free lane of its flow and judges it. */
  run(kase: CrashCase): Promise<CaseOutcome>
  stop(): Promise<void>
}

export interface CaseOutcome {
  visit: Visit
  before: Before
  /** What the visit left, beside what it must have left: compare with toEqual. */
  judged: { actual: unknown; expected: unknown }
}

/**
 * Starts the chain, the fleet and `lanes` lanes per flow. Channel lanes use piles of different operators: each
 * operator's payout key settles its channels, and two processes sending with one key would race for its nonce.
 */
export async function startCrashWorld(lanesPerFlow: number): Promise<CrashWorld> {
  // A short settle window, so a car whose pile never settles gets its refund within the case.
  const devnet = await startDevNet({ settleWindow: 4 })
  try {
    const [fleet, bundles] = await Promise.all([
      provisionFleet(devnet, planFleet({ piles: 9, cars: 20, seed: 3 })),
      bundleAgents(),
    ])
    const pairs = pairUp(fleet, lanesPerFlow)
    const pools = new Map<Flow, LanePool>()
    for (const flow of ['escrow', 'free', 'channel'] as const)
      pools.set(
        flow,
        lanePool(() => pairs[flow].map((pair) => ({ ...pair, flow })), devnet, fleet, bundles),
      )
    return {
      devnet,
      fleet,
      run: async (kase) => {
        const pool = pools.get(kase.flow)
        if (!pool) throw new CrashWorldError(`No lanes for the ${kase.flow} flow.`)
        return pool
          .run(kase, async (lane) => {
            const outcome = await runCase(devnet, fleet, lane, kase)
            // A visit that ended wrong may leave its lane wrong too: the next case gets the pair on fresh journals.
            if (!isDeepStrictEqual(outcome.judged.actual, outcome.judged.expected))
              throw new LaneSpoiled(outcome)
            return outcome
          })
          .catch((error: unknown) => {
            if (error instanceof LaneSpoiled) return error.outcome
            throw error
          })
      },
      async stop() {
        await Promise.all([...pools.values()].map((pool) => pool.close()))
        await Promise.all([devnet.stop(), bundles.remove()])
      },
    }
  } catch (error) {
    await devnet.stop()
    throw error
  }
}

async function runCase(
  devnet: DevNet,
  fleet: ProvisionedFleet,
  lane: Lane,
  kase: CrashCase,
): Promise<CaseOutcome> {
  const chain = devnet.admin
  const start: Counts = await counts(lane)
  const before = await observeBefore(chain, fleet, lane, start)
  const visit = await runVisit(lane, kase, start, AbortSignal.timeout(CASE_DEADLINE_MS))
  const timeline = process.env.CRASH_TIMELINE
  if (timeline) await appendFile(timeline, await laneTimeline(lane, kase, start))
  const judge = { escrow: escrowOutcome, free: freeOutcome, channel: channelOutcome }[kase.flow]
  const judged = await judge(chain, fleet, lane, before, visit)
  return { visit, before, judged }
}

/** `CRASH_TIMELINE=file`: each case's journaled states with their times, both agents merged, to see where time goes. */
async function laneTimeline(lane: Lane, kase: CrashCase, start: Counts): Promise<string> {
  const [pile, car] = await Promise.all([
    pileRecords(lane.pileAgent.journal),
    carRecords(lane.carAgent.journal),
  ])
  const entries = [
    ...pile.filter((record) => record.seq > start.pileSeq).map((record) => ({ who: 'pile', ...record })),
    ...car.filter((record) => record.seq > start.carSeq).map((record) => ({ who: 'car', ...record })),
  ].sort((a, b) => a.at - b.at)
  const origin = entries[0]?.at ?? 0
  const lines = entries.map((entry) => `  +${entry.at - origin} ms ${entry.who} ${entry.value.state}`)
  return `${kase.flow}: ${kase.name}\n${lines.join('\n')}\n`
}

/** Carries a wrongly ended visit's outcome out of its lane, which the pool then replaces. */
class LaneSpoiled extends BaseError {
  override readonly name = 'LaneSpoiled'
  constructor(readonly outcome: CaseOutcome) {
    super('The visit ended wrong; its lane is replaced.')
  }
}

interface LaneSpec {
  flow: Flow
  pile: PilePlan
  car: CarPlan
}

interface LanePool {
  run<Result>(kase: CrashCase, body: (lane: Lane) => Promise<Result>): Promise<Result>
  close(): Promise<void>
}

/** Lanes of one flow, opened on first use; a lane whose case threw is closed and opened afresh for the next. */
function lanePool(
  specs: () => LaneSpec[],
  devnet: DevNet,
  fleet: ProvisionedFleet,
  bundles: AgentBundles,
): LanePool {
  const free: { spec: LaneSpec; lane?: Lane }[] = specs().map((spec) => ({ spec }))
  const waiters: (() => void)[] = []
  const open = new Set<Lane>()
  return {
    async run(_kase, body) {
      while (free.length === 0) await new Promise<void>((resolve) => waiters.push(resolve))
      const slot = free.shift() as { spec: LaneSpec; lane?: Lane }
      let lane = slot.lane
      try {
        if (!lane) {
          lane = await openLane({ devnet, fleet, bundles, ...slot.spec })
          open.add(lane)
        }
        const result = await body(lane)
        slot.lane = lane
        return result
      } catch (error) {
        // A failed visit may have left anything behind: the next case gets the pair on fresh journals.
        if (lane) {
          open.delete(lane)
          await lane.close().catch(() => undefined)
        }
        slot.lane = undefined
        throw error
      } finally {
        free.push(slot)
        waiters.shift()?.()
      }
    },
    async close() {
      await Promise.all([...open].map((lane) => lane.close()))
    },
  }
}

/**
 * Disjoint pile–car pairs of the fleet for each flow, up to `perFlow`: a car of the flow's kind at a pile it may charge
 * at, every pile and car in one lane only, the channel lanes at different operators.
 */
function pairUp(fleet: ProvisionedFleet, perFlow: number): Record<Flow, { pile: PilePlan; car: CarPlan }[]> {
  const { plan } = fleet
  const usedPiles = new Set<number>()
  const usedCars = new Set<number>()
  const channelOperators = new Set<number>()
  const pairs: Record<Flow, { pile: PilePlan; car: CarPlan }[]> = { escrow: [], free: [], channel: [] }
  for (const flow of ['channel', 'free', 'escrow'] as const) {
    for (const car of plan.cars) {
      if (pairs[flow].length === perFlow) break
      if (car.kind !== kindOf[flow] || usedCars.has(car.index)) continue
      const pile = plan.piles.find(
        (candidate) =>
          !usedPiles.has(candidate.index) &&
          mayChargeAt(plan, car, candidate) &&
          !(flow === 'channel' && channelOperators.has(candidate.operator)),
      )
      if (!pile) continue
      usedPiles.add(pile.index)
      usedCars.add(car.index)
      if (flow === 'channel') channelOperators.add(pile.operator)
      pairs[flow].push({ pile, car })
    }
    if (pairs[flow].length === 0)
      throw new CrashWorldError(
        `The crash fleet has only ${pairs[flow].length} lanes for the ${flow} flow; plan a larger one.`,
      )
  }
  return pairs
}
