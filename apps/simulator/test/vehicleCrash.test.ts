import { type VehicleState, vehicleMachine } from '@chargechain/vehicle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CrashWorld,
  escrowOutcome,
  type Flow,
  runVehicleCrashCase,
  startCrashWorld,
} from './crash/crashWorld.js'

// Every state of the car's machine, in each flow: the vehicle agent is a real child process reading its meter and
// lights from this process, killed with SIGKILL the moment it logs the state, and restarted on its journal.
const states = Object.keys(vehicleMachine.states) as VehicleState[]

/** States a flow never enters, and why. */
const unreachable: Partial<Record<Flow, Partial<Record<VehicleState, string>>>> = {
  escrow: {
    reconnecting: 'entered only when the link drops mid-charge, which a healthy pile never does in this flow',
  },
  free: {
    paying: 'an owner or free-listed car is never asked to pay',
    opening: 'an owner or free-listed car opens no escrow session',
    presenting: 'an owner or free-listed car presents no payment',
    reconnecting: 'entered only when the link drops mid-charge, which a healthy pile never does in this flow',
  },
}

describe.each<Flow>(['escrow', 'free'])('vehicle agent killed with SIGKILL in the %s flow', (flow) => {
  let crash: CrashWorld
  beforeAll(async () => {
    crash = await startCrashWorld()
  }, 60_000)
  afterAll(() => crash?.stop())

  for (const state of states) {
    const reason = unreachable[flow]?.[state]
    if (reason) {
      it(`never enters ${state}: ${reason}`, () => {
        expect(Object.keys(vehicleMachine.states)).toContain(state)
      })
      continue
    }
    it(`in ${state}: restarts on its journal and never pays twice nor loses a voucher`, async () => {
      const result = await runVehicleCrashCase(crash, flow, state)
      // Killed when it logged the state; an instant state (a free settle) may already have journaled the next one.
      expect(result.killedStates).toContain(state)
      expect(result.restartedStates.length).toBeGreaterThan(0)
      const outcome = await escrowOutcome(crash, result)
      if (flow === 'free') {
        expect(outcome.opened).toEqual([])
        return
      }
      // Killed before its deposit, the car may start over with nothing on chain; never two deposits for one visit.
      expect(outcome.opened.length).toBeLessThanOrEqual(1)
      const session = outcome.opened[0]
      if (!session) return
      expect(outcome.settled.length + outcome.refunded.length).toBe(1)
      if (outcome.voucher !== undefined) {
        expect(outcome.settled).toHaveLength(1)
        expect(outcome.settled[0]!.amount).toBe(outcome.voucher)
        expect(outcome.settled[0]!.amount + outcome.settled[0]!.refund).toBe(session.deposit)
      } else {
        expect(outcome.refunded[0]?.amount ?? outcome.settled[0]!.refund).toBe(session.deposit)
      }
    }, 120_000)
  }
})
