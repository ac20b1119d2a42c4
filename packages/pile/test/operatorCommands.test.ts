// The operator's commands to a pile agent, with real agents on anvil: a stop ends the charge and the session settles
// for what the car vouchered; a limit stops at the first reading at or above it, and survives a restart; an
// unavailable pile takes no new car while one already charging carries on.
// Breaks tried (one line each, seen failing, restored):
// - packages/pile/src/steps/charging.ts `if (commanded.stop)` → `if (false)`: the charge runs on until the deposit
//   is spent ('depositExhausted', not 'operatorStopped').
// - charging.ts reasonToStop's limit check (`if (session.stopAtWh !== undefined && …)`) made `if (false)`: no stop at
//   the limit, the charge runs on until the deposit is spent.
// - charging.ts journals no limit (`stopAtWh: commanded.stopAtWh` → `stopAtWh: undefined` in the METERED it returns):
//   the status never shows the limit and the test times out waiting for it.
// - packages/pile/src/steps/arrival.ts idle `if (commands.available) break` → `if (true) break`: the unavailable pile
//   greets the arriving car.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, runSession, startChain, startPileAlone, waitFor } from './fixture.js'
import { restartableWorld } from './restartable.js'

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

describe('the operator commands the pile', () => {
  it('stop: the relay goes off at once and the session settles for what the car vouchered', async () => {
    let accepted: boolean[] = []
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 10_000,
      during: async ({ pile }) => {
        await waitFor(() => (pile.status().session?.energyWh ?? 0) >= 20)
        const id = pile.status().session?.id ?? '0x'
        accepted = [pile.stop(`0x${'00'.repeat(16)}`), pile.stop(id.toUpperCase().replace('0X', '0x'))]
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    // Another session's id is refused; the one in progress (in any case) is stopped.
    expect(accepted).toEqual([false, true])
    expect(pileSide.stopReason).toBe('operatorStopped')
    expect(pileSide.energyWh).toBeLessThan(200)
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
    expect(carSide.energyWh).toBe(pileSide.energyWh)
    expect(session.pile.stop(pileSide.id)).toBe(false)
  })

  it('stopAt: charging ends at the first reading at or above the limit', async () => {
    const readings: number[] = []
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 10_000,
      during: async ({ pile }) => {
        const id = pile.status().session?.id ?? '0x'
        expect(pile.stopAt(id, 80)).toBe(true)
        await waitFor(() => pile.status().session?.stopAtWh === 80)
        pile.on('meter', ({ energyWh }) => readings.push(energyWh))
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.stopReason).toBe('targetReached')
    expect(pileSide.energyWh).toBeGreaterThanOrEqual(80)
    // Within one reading: the reading before the stop was still below the limit.
    expect(readings.at(-1)).toBeLessThan(80)
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
  })

  it('stopAt survives a restart: the journaled limit stops the resumed charge', async () => {
    const car = chain.client(7)
    const { world, startPile, startCar, finish } = await restartableWorld(chain, car)
    let pile = await startPile()
    await startCar()
    world.arrive()
    world.plug()
    await waitFor(() => pile.agent.status().state === 'charging')
    const id = pile.agent.status().session?.id ?? '0x'
    expect(pile.agent.stopAt(id, 120)).toBe(true)
    await waitFor(() => pile.agent.status().session?.stopAtWh === 120)
    await pile.kill()

    pile = await startPile()
    const finished = new Promise<{ stopReason?: string; energyWh: number }>((resolve) =>
      pile.agent.on('sessionFinished', resolve),
    )
    const pileSide = await finished
    world.unplug()
    await finish()
    expect(pileSide.stopReason).toBe('targetReached')
    expect(pileSide.energyWh).toBeGreaterThanOrEqual(120)
    expect(pileSide.energyWh).toBeLessThan(400)
  })

  it('unavailable: a car already charging carries on; a new car is served only once available', async () => {
    const session = await runSession(chain, {
      car: chain.cars.owner,
      unplugAtWh: 60,
      during: ({ pile }) => pile.setAvailable(false),
    })
    const pileSide = await session.pileFinished
    await session.done
    expect(pileSide.stopReason).toBe('gunRemoved')
    expect(pileSide.energyWh).toBeGreaterThanOrEqual(60)

    const alone = await startPileAlone(chain)
    try {
      const states: string[] = []
      alone.pile.on('state', ({ state }) => states.push(state))
      alone.pile.setAvailable(false)
      expect(alone.pile.status().available).toBe(false)
      alone.world.arrive()
      // A minute on the pile's clock with the car there: it stays idle.
      await alone.world.clock.sleep(60_000, new AbortController().signal)
      expect(states).toEqual([])
      alone.pile.setAvailable(true)
      await waitFor(() => alone.pile.status().state === 'connecting')
    } finally {
      await alone.stop()
    }
  })
})
