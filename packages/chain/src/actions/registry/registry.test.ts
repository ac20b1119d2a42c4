import { parseEther, zeroAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Fixture, startFixture } from '../../../test/fixture.js'
import { createChargeChainClient } from '../../clients/createChargeChainClient.js'
import { ContractRevertedError, SignerRequiredError } from '../../errors/contract.js'
import { defineTerms, hashTerms } from '../../terms/terms.js'
import { pileIdFromDmid } from '../../utils/pileIdFromDmid.js'

describe('registry actions', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture()
  })
  afterAll(async () => {
    await f?.stop()
  })

  const address = (client: Fixture['owner']) => f.localAccount(client).address
  const termsOf = (pricePerKWh: bigint) =>
    defineTerms({ payout: address(f.payout), agent: address(f.agent), pricePerKWh, creditWh: 200 })

  it('registers a pile under the id derived from owner and DMID, and reads its terms back', async () => {
    const hashes: string[] = []
    const terms = termsOf(parseEther('0.0003'))
    const { hash, receipt, pileId } = await f.owner.registerPile({
      dmid: 'SH-REG-1',
      terms,
      onTransactionHash: (h) => {
        hashes.push(h)
      },
    })
    expect(hashes).toEqual([hash])
    expect(receipt.status).toBe('success')
    expect(pileId).toBe(pileIdFromDmid(address(f.owner), 'SH-REG-1'))
    expect(await f.other.getPile({ pileId })).toEqual({
      owner: address(f.owner),
      generation: 0n,
      terms,
      termsHash: hashTerms(terms),
    })
  })

  it('updates tariff, credit, payout and agent (owner only); each changes the terms hash', async () => {
    const { pileId } = await f.owner.registerPile({ dmid: 'SH-REG-2', terms: termsOf(1n) })
    const tariff = {
      currency: f.token,
      pricePerKWh: 500n,
      pricePerMinute: 7n,
      idlePerMinute: 9n,
      sessionFee: 11n,
    }
    await f.owner.setTariff({ pileId, tariff })
    await f.owner.setCredit({ pileId, creditWh: 900 })
    await f.owner.setPayout({ pileId, payout: address(f.owner) })
    await f.owner.setAgent({ pileId, agent: address(f.other) })
    const terms = { payout: address(f.owner), agent: address(f.other), tariff, creditWh: 900 }
    expect(await f.other.getPile({ pileId })).toMatchObject({ terms, termsHash: hashTerms(terms) })
  })

  it('keeps free vehicles per owner and drops them on transfer', async () => {
    const car = address(f.vehicle)
    const { pileId } = await f.owner.registerPile({ dmid: 'SH-REG-3', terms: termsOf(1n) })
    expect(await f.other.isFreeVehicle({ pileId, vehicle: address(f.owner) })).toBe(true)
    expect(await f.other.isFreeVehicle({ pileId, vehicle: car })).toBe(false)
    await f.owner.setFreeVehicles({ pileId, add: [car, address(f.other)], remove: [address(f.other)] })
    expect(await f.other.isFreeVehicle({ pileId, vehicle: car })).toBe(true)
    expect(await f.other.isFreeVehicle({ pileId, vehicle: address(f.other) })).toBe(false)

    await f.owner.transferPile({
      pileId,
      newOwner: address(f.other),
      payout: address(f.other),
      agent: address(f.other),
    })
    expect(await f.other.isFreeVehicle({ pileId, vehicle: car })).toBe(false)
    expect(await f.other.getPile({ pileId })).toMatchObject({ owner: address(f.other), generation: 1n })
  })

  it('decodes reverts to typed errors with a sentence', async () => {
    const { pileId } = await f.owner.registerPile({ dmid: 'SH-REG-4', terms: termsOf(1n) })
    const notOwner = await f.other.setCredit({ pileId, creditWh: 2 }).catch((e: unknown) => e)
    expect(notOwner).toBeInstanceOf(ContractRevertedError)
    expect((notOwner as ContractRevertedError).reason).toBe('NotPileOwner')
    expect((notOwner as ContractRevertedError).shortMessage).toBe(
      "Only the pile's owner can change it; sign with the owner's key.",
    )
    expect((notOwner as ContractRevertedError).args).toEqual([pileId, address(f.other)])

    const exists = await f.owner
      .registerPile({ dmid: 'SH-REG-4', terms: termsOf(1n) })
      .catch((e: unknown) => e)
    expect((exists as ContractRevertedError).reason).toBe('PileExists')
    // The same device id registered by someone else is another pile, not a collision.
    const { pileId: squatted } = await f.other.registerPile({ dmid: 'SH-REG-4', terms: termsOf(1n) })
    expect(squatted).not.toBe(pileId)

    const zero = await f.owner.setPayout({ pileId, payout: zeroAddress }).catch((e: unknown) => e)
    expect((zero as ContractRevertedError).reason).toBe('ZeroAddress')

    const unknown = await f.other
      .getPile({ pileId: pileIdFromDmid(address(f.owner), 'nope') })
      .catch((e: unknown) => e)
    expect((unknown as ContractRevertedError).reason).toBe('UnknownPile')
    const unknownFree = await f.other
      .isFreeVehicle({ pileId: pileIdFromDmid(address(f.owner), 'nope'), vehicle: zeroAddress })
      .catch((e: unknown) => e)
    expect((unknownFree as ContractRevertedError).reason).toBe('UnknownPile')
  })

  it('needs a signer to write', async () => {
    const readOnly = createChargeChainClient({ deployment: f.deployment, rpcUrl: f.chain.rpcUrl })
    await expect(
      readOnly.setAgent({ pileId: pileIdFromDmid(address(f.owner), 'SH-REG-1'), agent: address(f.agent) }),
    ).rejects.toBeInstanceOf(SignerRequiredError)
  })
})
