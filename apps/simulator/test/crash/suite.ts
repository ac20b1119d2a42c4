// The kill -9 matrix of one agent as vitest cases: every case of every flow, interleaved so that the concurrent cases
// keep lanes of all three flows busy, then a check per flow of the states its cases never journaled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CrashCase } from './crashCase.js'
import { type CrashWorld, startCrashWorld } from './crashWorld.js'
import { CrashWorldError } from './errors.js'
import type { AgentName, Flow } from './lane.js'
import { crashSeed, messageCases, randomCases, stateCases, transactionCases, unreachable } from './matrix.js'

const flows: readonly Flow[] = ['escrow', 'free', 'channel']
/** Lanes per flow: vitest runs five cases of a file at once, and a case may wait for a lane of its own flow. */
const LANES_PER_FLOW = 3
/** A case's whole run, waiting for a lane and opening it included. */
const CASE_TIMEOUT_MS = 180_000

export function crashMatrix(agent: AgentName) {
  const cases = flows.map((flow) => [
    ...stateCases(agent, flow),
    ...transactionCases(agent, flow),
    ...messageCases(agent, flow),
    ...randomCases(agent, flow),
  ])
  const interleaved: CrashCase[] = []
  for (let index = 0; index < Math.max(...cases.map((list) => list.length)); index++) {
    for (const list of cases) {
      const kase = list[index]
      if (kase) interleaved.push(kase)
    }
  }
  const journaled = new Map<Flow, Set<string>>(flows.map((flow) => [flow, new Set()]))
  const ran = new Map<Flow, number>(flows.map((flow) => [flow, 0]))

  let world: CrashWorld | undefined
  beforeAll(async () => {
    world = await startCrashWorld(LANES_PER_FLOW)
  }, 240_000)
  afterAll(() => world?.stop())

  describe.concurrent(`${agent} agent killed with SIGKILL (seed ${crashSeed})`, () => {
    for (const kase of interleaved) {
      it(
        `${kase.flow}: ${kase.name}`,
        async () => {
          if (!world) throw new CrashWorldError('The crash world did not start.')
          const outcome = await world.run(kase)
          for (const state of outcome.visit.journaled[agent]) journaled.get(kase.flow)?.add(state)
          ran.set(kase.flow, (ran.get(kase.flow) ?? 0) + 1)
          const { kills, journaled: trail } = outcome.visit
          const story = `kills ${JSON.stringify(kills)}; pile ${trail.pile.join(' → ')}; car ${trail.car.join(' → ')}`
          expect(kills, story).toHaveLength(kase.kills.length)
          const { actual, expected } = outcome.judged
          expect(actual, story).toEqual(expected)
        },
        CASE_TIMEOUT_MS,
      )
    }
  })

  describe(`${agent} agent: states a flow never enters`, () => {
    for (const flow of flows) {
      for (const [state, why] of Object.entries(unreachable[agent][flow] ?? {})) {
        it(`${flow}: never enters ${state}: ${why}`, () => {
          // Judged from every state the flow's cases journaled in this run.
          expect(ran.get(flow)).toBeGreaterThan(0)
          expect([...(journaled.get(flow) ?? [])]).not.toContain(state)
        })
      }
    }
  })
}
