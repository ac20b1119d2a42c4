// A pile that sends its Receipt and never settles (finding 3 of the money-path review): the car must trust the chain,
// never the receipt. The hostile pile runs the real pile agent with one change to its software: "settling" sends an
// empty transfer and reports that transaction's hash in the Receipt.
//
// Break that makes this fail (tried): the old condition `state.status === 'open' && !session.receipt` in the car's
// settlement step — the car then waits for a settlement that never comes and the deposit stays locked.
import type { ChargeChainClient } from '@chargechain/chain'
import { createTestClient, http, zeroAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, credited, PRICE_PER_KWH, runSession, sessionsOf, startChain } from './fixture.js'

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

const DEPOSIT = 2_000_000_000_000_000n

describe('a pile that sends a receipt and never settles', () => {
  it('the car asks for its refund after its grace and takes its whole deposit back', async () => {
    const car = chain.client(7)
    const address = car.account?.address ?? zeroAddress
    const honest = chain.pileAgentClient
    const pileKey = honest.account
    if (!pileKey) throw new Error('the pile agent client has no account')
    const hostile: ChargeChainClient = {
      ...honest,
      settleSession: async () => {
        const hash = await honest.sendTransaction({
          account: pileKey,
          chain: honest.chain,
          to: zeroAddress,
          value: 0n,
        })
        return { hash, receipt: await honest.waitForTransactionReceipt({ hash }) }
      },
    }
    const creditedBefore = await credited(chain, address)
    const payoutBefore = await credited(chain, chain.payout)
    const session = await runSession(chain, {
      car,
      pileChain: hostile,
      vehicle: {
        payment: { maxPricePerKWh: String(PRICE_PER_KWH), deposit: String(DEPOSIT), preference: 'escrow' },
        settleGraceMs: 60_000,
        settlementPollMs: 5_000,
      },
    })
    // Chain time jumps past the settle window once the car has asked, as if an hour went by.
    const testClient = createTestClient({ mode: 'anvil', transport: http(chain.anvil.rpcUrl) })
    const watch = setInterval(async () => {
      const [opened] = await sessionsOf(chain, car)
      if (!opened) return
      const { state } = await car.getSession({ sessionId: opened.sessionId })
      if (state.status !== 'refundRequested') return
      clearInterval(watch)
      await testClient.increaseTime({ seconds: 3_601 })
      await testClient.mine({ blocks: 1 })
    }, 50)
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    clearInterval(watch)
    await session.done

    // The pile claimed a payment in its receipt; the chain shows none, and the car got everything back.
    expect(pileSide.amount).toBeGreaterThan(0n)
    expect(carSide).toMatchObject({ outcome: 'refunded', amount: 0n })
    const sessions = await sessionsOf(chain, car)
    expect(sessions).toHaveLength(1)
    const sessionId = sessions[0]?.sessionId
    if (!sessionId) throw new Error('no session opened')
    expect((await car.getSession({ sessionId })).state).toMatchObject({ status: 'refunded', amount: DEPOSIT })
    expect((await credited(chain, address)) - creditedBefore).toBe(DEPOSIT)
    expect((await credited(chain, chain.payout)) - payoutBefore).toBe(0n)
  })
})
