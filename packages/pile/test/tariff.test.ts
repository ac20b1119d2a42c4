// A tariff with every part: energy, minutes of charging, minutes of idling once full (overstay) and a session fee. The
// car bills itself from its own meter and clock, the pile checks the same, and what both show is what the escrow pays.
//
// Breaks that make this fail (tried): the car signing energy alone (`tariffCost(session.terms, energy, 0, 0)` in its
// signFor) — the pile refuses every voucher below the tariff's cost and the charge stops on vouchersBehind; the pile
// ending the session on the car's batteryFull request (`return { session, stop: message.reason }` for every
// StopRequest) — no idle second is billed.
import { tariffCost } from '@chargechain/chain'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, PRICE_PER_KWH, runSession, sessionsOf, startChain, waitFor } from './fixture.js'

let chain: Chain
const tariff = {
  currency: '0x0000000000000000000000000000000000000000' as const,
  pricePerKWh: PRICE_PER_KWH,
  pricePerMinute: 20_000_000_000_000n,
  idlePerMinute: 50_000_000_000_000n,
  sessionFee: 100_000_000_000_000n,
}
beforeAll(async () => {
  chain = await startChain()
  await chain.owner.setTariff({ pileId: chain.pileId, tariff })
})
afterAll(async () => {
  await chain?.stop()
})

const DEPOSIT = 2_000_000_000_000_000n

describe('a tariff by energy, time, overstay and session', () => {
  it('the running cost both agents show is what the escrow settles, to the wei', async () => {
    const car = chain.client(7)
    const carShows: bigint[] = []
    const pileShows: bigint[] = []
    const session = await runSession(chain, {
      car,
      unplugAtWh: 1_000_000,
      // Nearly full: the battery fills within minutes, then the car idles at the pile.
      battery: { capacityWh: 20_000, startSoc: 0.97, taperFromSoc: 0.995 },
      vehicle: {
        payment: {
          maxPricePerKWh: String(PRICE_PER_KWH),
          maxPricePerMinute: String(tariff.pricePerMinute),
          maxIdlePerMinute: String(tariff.idlePerMinute),
          maxSessionFee: String(tariff.sessionFee),
          deposit: String(DEPOSIT),
          preference: 'escrow',
        },
      },
      during: async ({ world, vehicle, pile }) => {
        vehicle.on('voucher', ({ amount }) => carShows.push(amount))
        pile.on('meter', ({ amount }) => pileShows.push(amount))
        // Full: the pile switched off and bills idling; the driver comes back ten simulated minutes later.
        await waitFor(() => world.state().stateOfCharge >= 1 && !world.state().relayOn, 60_000)
        await world.clock.sleep(600_000)
        world.unplug()
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done

    const [opened] = await sessionsOf(chain, car)
    if (!opened) throw new Error('no session opened')
    const { state } = await car.getSession({ sessionId: opened.sessionId })
    if (state.status !== 'settled') throw new Error(`session ${state.status}, not settled`)
    expect(state.chargingSeconds).toBeGreaterThan(0)
    // About ten minutes of overstay, by both clocks.
    expect(state.idleSeconds).toBeGreaterThanOrEqual(590)
    expect(state.amount).toBe(tariffCost(tariff, state.energyWh, state.chargingSeconds, state.idleSeconds))
    expect(carShows.at(-1)).toBe(state.amount)
    expect(carSide).toMatchObject({ outcome: 'settled', amount: state.amount })
    expect(pileSide).toMatchObject({ stopReason: 'gunRemoved', amount: state.amount })
    // Every running cost the pile showed is one the car signed.
    for (const shown of pileShows) expect(carShows.includes(shown) || shown === 0n).toBe(true)
  })
})
