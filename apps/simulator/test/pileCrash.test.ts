import { type PileState, pileMachine } from '@chargechain/pile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CrashWorld,
  escrowOutcome,
  type Flow,
  runPileCrashCase,
  startCrashWorld,
} from './crash/crashWorld.js'

// Every state of the pile's machine, in each flow the pile runs: the pile agent is a real child process driving
// hardware served from this process, killed with SIGKILL the moment it logs the state, and restarted on its journal.
const states = Object.keys(pileMachine.states) as PileState[]

/** States a flow never enters, and why (a test for them would be a silent skip). */
const unreachable: Partial<Record<Flow, Partial<Record<PileState, string>>>> = {
  free: { awaitingPayment: 'an owner or free-listed car is never asked to pay' },
}

describe.each<Flow>(['escrow', 'free'])('pile agent killed with SIGKILL in the %s flow', (flow) => {
  let crash: CrashWorld
  beforeAll(async () => {
    crash = await startCrashWorld()
  }, 60_000)
  afterAll(() => crash?.stop())

  for (const state of states) {
    const reason = unreachable[flow]?.[state]
    if (reason) {
      it(`never enters ${state}: ${reason}`, () => {
        expect(Object.keys(pileMachine.states)).toContain(state)
      })
      continue
    }
    it(`in ${state}: restarts on its journal and the money ends right`, async () => {
      const result = await runPileCrashCase(crash, flow, state)
      // Killed when it logged the state; an instant state (a free settle) may already have journaled the next one.
      expect(result.killedStates).toContain(state)
      expect(result.restartedStates.length).toBeGreaterThan(0)
      const outcome = await escrowOutcome(crash, result)
      if (flow === 'free') {
        expect(outcome.opened).toEqual([])
        return
      }
      // Never two deposits for one visit; each deposit ends exactly once.
      expect(outcome.opened.length).toBeLessThanOrEqual(1)
      for (const session of outcome.opened) {
        expect(outcome.settled.length + outcome.refunded.length).toBe(1)
        if (outcome.voucher !== undefined) {
          expect(outcome.settled).toHaveLength(1)
          expect(outcome.settled[0]!.amount).toBe(outcome.voucher)
          expect(outcome.settled[0]!.amount + outcome.settled[0]!.refund).toBe(session.deposit)
        } else {
          const back = outcome.refunded[0]?.amount ?? outcome.settled[0]!.refund
          expect(back).toBe(session.deposit)
        }
      }
    }, 120_000)
  }
})
