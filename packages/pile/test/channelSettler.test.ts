// The channel ledger's settler on chain, against anvil. Breaking its idempotency (dropping the `settled >=` check in
// src/channelLedger/chainSettler.ts) makes the repeat and stale settles send a transaction the contract refuses, and
// this test fail; that break was tried.
import { privateKeySigner, signChannelVoucher } from '@chargechain/chain'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainChannelSettler } from '../src/index.js'
import { type Chain, startChain } from './fixture.js'

describe('chainChannelSettler', () => {
  let chain: Chain
  beforeAll(async () => {
    chain = await startChain()
  })
  afterAll(() => chain?.stop())

  it('settles a new voucher once, and sends nothing for one the chain already holds or a lower one', async () => {
    const car = privateKeySigner(chain.anvil.privateKeys[5] as Hex)
    const voucher = async (cumulativeAmount: bigint) => ({
      channelId: chain.channelId,
      vehicle: car.address,
      cumulativeAmount,
      signature: await signChannelVoucher({
        account: car.account,
        chainId: chain.anvil.chainId,
        channels: chain.deployment.contracts.paymentChannels,
        channelId: chain.channelId,
        cumulativeAmount,
      }),
    })
    const settle = chainChannelSettler(chain.owner)
    const sent = () => chain.owner.getTransactionCount({ address: chain.payout })
    const before = await sent()

    expect(await settle(await voucher(300n))).toMatch(/^0x[0-9a-f]{64}$/)
    expect(await settle(await voucher(300n))).toBeUndefined()
    expect(await settle(await voucher(200n))).toBeUndefined()
    expect(await sent()).toBe(before + 1)
    expect(await settle(await voucher(500n))).toMatch(/^0x[0-9a-f]{64}$/)
    expect(await sent()).toBe(before + 2)
    expect((await chain.owner.getChannel({ channelId: chain.channelId })).settled).toBe(500n)
  })
})
