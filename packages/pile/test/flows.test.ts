import { priceOf } from '@chargechain/chain'
import { defined } from '@chargechain/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, runSession, startChain } from './fixture.js'

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

const links = [
  { name: 'memory', bytesPerSecond: undefined },
  { name: 'throttled to 960 B/s', bytesPerSecond: 960 },
] as const

describe.each(links)('flows over a $name link', ({ bytesPerSecond }) => {
  it("the owner's car charges free and no money moves", async () => {
    const car = chain.cars.owner
    const before = await chain.owner.getBalance({
      address: defined(car.account, 'the car client account').address,
    })
    const session = await runSession(chain, { car, bytesPerSecond })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.kind).toBe('free')
    expect(pileSide.energyWh).toBeGreaterThanOrEqual(60)
    expect(pileSide.amount).toBe(0n)
    expect(carSide).toMatchObject({ kind: 'free', outcome: 'free', amount: 0n })
    expect(
      await chain.owner.getBalance({ address: defined(car.account, 'the car client account').address }),
    ).toBe(before)
    expect(session.world.state().relayOn).toBe(false)
  })

  it('a stranger pays by escrow: payout credited price(last voucher), the car the rest', async () => {
    const car = chain.cars.escrow
    const currency = '0x0000000000000000000000000000000000000000' as const
    const payoutBefore = await chain.owner.balanceOf({ account: chain.payout, currency })
    const carBefore = await chain.owner.balanceOf({
      account: defined(car.account, 'the car client account').address,
      currency,
    })
    const session = await runSession(chain, { car, bytesPerSecond })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.kind).toBe('escrow')
    expect(pileSide.amount).toBe(priceOf(BigInt(pileSide.energyWh), 300_000_000_000_000n))
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
    expect(carSide.settleTx).toBe(pileSide.settleTx)
    const payoutAfter = await chain.owner.balanceOf({ account: chain.payout, currency })
    const carAfter = await chain.owner.balanceOf({
      account: defined(car.account, 'the car client account').address,
      currency,
    })
    expect(payoutAfter - payoutBefore).toBe(pileSide.amount)
    expect(carAfter - carBefore).toBe(2_000_000_000_000_000n - pileSide.amount)
  })

  it('a channel payer pays by voucher; the ledger settles it to the operator', async () => {
    const car = chain.cars.channel
    const before = await chain.owner.getChannel({ channelId: chain.channelId })
    const session = await runSession(chain, { car, bytesPerSecond })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.kind).toBe('channel')
    expect(pileSide.amount).toBeGreaterThanOrEqual(priceOf(BigInt(pileSide.energyWh), 300_000_000_000_000n))
    expect(carSide).toMatchObject({ kind: 'channel', amount: pileSide.amount })
    const after = await chain.owner.getChannel({ channelId: chain.channelId })
    expect(after.settled - before.settled).toBe(pileSide.amount)
  })
})
