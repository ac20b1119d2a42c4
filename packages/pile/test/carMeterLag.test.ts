// The car's own count of the energy starts before any can flow. A car whose meter answers slowly (a remote meter on a
// loaded machine, as in the crash matrix's lanes at 200×) took its start reading on ChargingStarted, with the relay
// already closed: it missed what flowed meanwhile and disputed the pile's honest readings. A car that disputes them all
// signs no voucher, and its channel visit leaves nothing to settle: the likely cause of the matrix's channel case
// whose trigger, the pile's settle transaction, never came under load.
//
// Break tried (one line, run, seen failing, restored): packages/vehicle/src/steps/handshake.ts `paying` journals no
// start reading (`meterStartWh` left out of the opening session it returns): the car reads its meter on
// ChargingStarted, 800 ms late, counts 266 Wh of the pile's 380 at the final reading and signs nothing for it (a
// meterMismatch).
import { priceOf } from '@chargechain/chain'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, MINUTE_READINGS, PRICE_PER_KWH, runSession, startChain } from './fixture.js'

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

describe('a car whose own meter answers slowly', () => {
  it('signs for every Wh the pile delivered: its count started before the relay closed', {
    timeout: 120_000,
  }, async () => {
    const mismatches: unknown[] = []
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      // 800 ms of real time is 48 s at the 60× clock: some 90 Wh of a 7 kW charge.
      carMeterLagMs: 800,
      unplugAtWh: 300,
      // A reading a simulated minute (a real second), so the slow car keeps up with them, and the credit to match.
      pile: { payment: MINUTE_READINGS },
    })
    session.vehicle.on('meterMismatch', (mismatch) => mismatches.push(mismatch))
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(mismatches).toEqual([])
    expect(pileSide).toMatchObject({ kind: 'escrow', stopReason: 'gunRemoved' })
    expect(pileSide.energyWh).toBeGreaterThanOrEqual(300)
    // The final voucher pays for the final reading, to the wei.
    expect(pileSide.amount).toBe(priceOf(BigInt(pileSide.energyWh), PRICE_PER_KWH))
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
  })
})
