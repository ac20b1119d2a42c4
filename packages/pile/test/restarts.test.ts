import { type ChargeChainClient, priceOf } from '@chargechain/chain'
import { sessionEscrowAbi } from '@chargechain/contracts'
import { defined } from '@chargechain/errors'
import { createTestClient, http } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, credited, PRICE_PER_KWH, sessionsOf, startChain, waitFor } from './fixture.js'
import { DEPOSIT, restartableWorld } from './restartable.js'

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

describe('restarts in the middle of a session', () => {
  // Break that makes this fail (tried): resuming as before (`if (resumed) return STOP pileFault` in the pile's charging
  // step) ends the charge at the restart, so no voucher follows it.
  it('pile restarted while charging: the car reconnects, the same paid session charges on and settles once', async () => {
    const car = chain.client(7)
    const { world, startPile, startCar, finish } = await restartableWorld(chain, car)
    let pile = await startPile()
    const vehicle = await startCar()
    const signed: { energyWh: number; amount: bigint }[] = []
    vehicle.agent.on('voucher', ({ energyWh, amount }) => signed.push({ energyWh, amount }))
    world.arrive()
    world.plug()
    await waitFor(() => signed.length >= 3)
    await pile.kill()
    const before = signed.length
    const journaledWh = signed[before - 1]?.energyWh ?? 0
    expect(world.state().relayOn).toBe(false)

    pile = await startPile()
    const finished = new Promise<{ energyWh: number; amount: bigint }>((resolve) =>
      pile.agent.on('sessionFinished', resolve),
    )
    // The same session goes on: the relay is on again and the car pays for more energy.
    await waitFor(() => signed.length >= before + 3)
    expect(world.state().relayOn).toBe(true)
    expect(pile.agent.status().state).toBe('charging')
    world.unplug()
    const pileSide = await finished
    await finish()

    // Never a voucher below what the car signed before the pile went down.
    for (const [index, voucher] of signed.entries())
      expect(voucher.energyWh).toBeGreaterThanOrEqual(signed[index - 1]?.energyWh ?? 0)
    const last = signed.at(-1)
    expect(last?.energyWh).toBeGreaterThan(journaledWh)
    const sessions = await sessionsOf(chain, car)
    expect(sessions).toHaveLength(1)
    const sessionId = sessions[0]?.sessionId
    if (!sessionId) throw new Error('no session opened')
    const { state } = await car.getSession({ sessionId })
    expect(state).toMatchObject({
      status: 'settled',
      energyWh: BigInt(last?.energyWh ?? -1),
      amount: last?.amount,
    })
    expect(pileSide.amount).toBe(last?.amount)
    const settles = await chain.owner.getContractEvents({
      address: chain.deployment.contracts.sessionEscrow,
      abi: sessionEscrowAbi,
      eventName: 'SessionSettled',
      args: { sessionId },
      fromBlock: 0n,
    })
    expect(settles).toHaveLength(1)
  })

  it('car restarted while charging: it resends its journaled voucher, never less, and the pile settles once', async () => {
    const car = chain.client(8)
    const { world, startPile, startCar, finish } = await restartableWorld(chain, car)
    const pile = await startPile()
    let vehicle = await startCar()
    const signed: number[] = []
    vehicle.agent.on('voucher', ({ energyWh }) => signed.push(energyWh))
    const finished = new Promise<{ energyWh: number; amount: bigint }>((resolve) =>
      pile.agent.on('sessionFinished', resolve),
    )
    world.arrive()
    world.plug()
    await waitFor(() => signed.length >= 3)
    await vehicle.kill()
    const journaledWh = defined(signed.at(-1), 'a signed voucher')

    vehicle = await startCar()
    const after: number[] = []
    vehicle.agent.on('voucher', ({ energyWh }) => after.push(energyWh))
    const pileSide = await finished
    world.unplug()
    await finish()

    for (const wh of after) expect(wh).toBeGreaterThanOrEqual(journaledWh)
    const sessions = await sessionsOf(chain, car)
    expect(sessions).toHaveLength(1)
    const { state } = await car.getSession({ sessionId: defined(sessions[0], 'the session').sessionId })
    expect(state.status).toBe('settled')
    if (state.status !== 'settled') return
    expect(Number(state.energyWh)).toBeGreaterThanOrEqual(journaledWh)
    expect(state.amount).toBe(priceOf(state.energyWh, PRICE_PER_KWH))
    expect(pileSide.amount).toBe(state.amount)
  })

  it('car restarted while opening: one deposit, found by its salt; with no pile to settle, the car takes it back', async () => {
    const base = chain.client(9)
    const address = defined(base.account, 'the car client account').address
    // The car's process dies right after its opening transaction is mined, before it journals the session.
    let crash: (() => void) | undefined
    const crashingCar: ChargeChainClient = {
      ...base,
      openSession: async (parameters) => {
        await base.openSession(parameters)
        crash?.()
        throw new Error('process killed')
      },
    }
    const { world, startPile, startCar } = await restartableWorld(chain, crashingCar)
    const pile = await startPile()
    const first = await startCar()
    let killed: Promise<void> | undefined
    crash = () => {
      killed = first.kill()
    }
    world.arrive()
    world.plug()
    await first.done
    await killed
    await waitFor(async () => (await sessionsOf(chain, base)).length === 1)
    // The pile gives up on a car that never presented its payment.
    await pile.kill()

    const refundsAt = new Promise<void>((resolve) => {
      const off = setInterval(async () => {
        const [opened] = await sessionsOf(chain, base)
        const { state } = await base.getSession({
          sessionId: defined(opened, 'the opened session').sessionId,
        })
        if (state.status !== 'refundRequested') return
        clearInterval(off)
        // Chain time jumps past the settle window, as if the pile stayed away for an hour.
        const testClient = createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) })
        await testClient.increaseTime({ seconds: 3_601 })
        await testClient.mine({ blocks: 1 })
        resolve()
      }, 50)
    })
    const second = await startCar()
    const outcome = new Promise<{ outcome: string; amount: bigint }>((resolve) =>
      second.agent.on('sessionFinished', resolve),
    )
    await refundsAt
    expect(await outcome).toMatchObject({ outcome: 'refunded', amount: 0n })
    await second.done
    await world.close()

    const sessions = await sessionsOf(chain, base)
    expect(sessions).toHaveLength(1)
    const { state } = await base.getSession({ sessionId: defined(sessions[0], 'the session').sessionId })
    expect(state).toMatchObject({ status: 'refunded', amount: DEPOSIT })
    expect(await credited(chain, address)).toBe(DEPOSIT)
  })
})
