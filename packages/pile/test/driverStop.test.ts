import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, runSession, startChain, waitFor } from './fixture.js'

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

// The driver, not the gun or the deposit, ends these charges: the car sends StopRequest and pays for what it got.
describe('the driver stops the charge', () => {
  it('at the configured energy target: StopRequest{targetReached}, settled for the final reading', async () => {
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 10_000,
      vehicle: { charge: { stopAtEnergyWh: 40 } },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.stopReason).toBe('targetReached')
    // The target is checked at each reading: the charge ends within one meter interval of it.
    expect(pileSide.energyWh).toBeGreaterThanOrEqual(40)
    expect(pileSide.energyWh).toBeLessThan(200)
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
    expect(carSide.energyWh).toBe(pileSide.energyWh)
  })

  it('when the driver calls requestStop(): StopRequest{vehicleRequested}, the final voucher still signed', async () => {
    let sent: boolean | undefined
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 10_000,
      during: async ({ pile, vehicle }) => {
        await waitFor(() => (pile.status().session?.energyWh ?? 0) >= 20)
        sent = await vehicle.requestStop()
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(sent).toBe(true)
    expect(pileSide.stopReason).toBe('vehicleRequested')
    expect(pileSide.energyWh).toBeLessThan(10_000)
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
    expect(carSide.energyWh).toBe(pileSide.energyWh)
  })

  it('requestStop() with no charge in progress sends nothing', async () => {
    const session = await runSession(chain, { car: chain.cars.owner })
    await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(await session.vehicle.requestStop()).toBe(false)
  })
})
