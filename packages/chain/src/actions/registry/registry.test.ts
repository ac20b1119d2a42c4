import { parseEther, zeroAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Fixture, startFixture } from '../../../test/fixture.js'
import { createChargeChainClient } from '../../clients/createChargeChainClient.js'
import { ContractRevertedError, SignerRequiredError } from '../../errors/contract.js'
import { pileIdFromDmid } from '../../utils/pileIdFromDmid.js'

describe('registry actions', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture()
  })
  afterAll(async () => {
    await f?.stop()
  })

  const address = (client: Fixture['owner']) => client.account!.address

  it('registers a pile and reads it back', async () => {
    const pileId = pileIdFromDmid('SH-REG-1')
    const hashes: string[] = []
    const { hash, receipt } = await f.owner.registerPile({
      pileId,
      payout: address(f.payout),
      agent: address(f.agent),
      pricePerKWh: parseEther('0.0003'),
      onTransactionHash: (h) => {
        hashes.push(h)
      },
    })
    expect(hashes).toEqual([hash])
    expect(receipt.status).toBe('success')
    const pile = await f.other.getPile({ pileId })
    expect(pile).toMatchObject({
      owner: address(f.owner),
      payout: address(f.payout),
      agent: address(f.agent),
      currency: zeroAddress,
      pricePerKWh: parseEther('0.0003'),
      generation: 0n,
    })
  })

  it('updates tariff, payout and agent (owner only)', async () => {
    const pileId = pileIdFromDmid('SH-REG-2')
    await f.owner.registerPile({
      pileId,
      payout: address(f.payout),
      agent: address(f.agent),
      pricePerKWh: 1n,
    })
    await f.owner.setTariff({ pileId, currency: f.token, pricePerKWh: 500n })
    await f.owner.setPayout({ pileId, payout: address(f.owner) })
    await f.owner.setAgent({ pileId, agent: address(f.other) })
    expect(await f.other.getPile({ pileId })).toMatchObject({
      currency: f.token,
      pricePerKWh: 500n,
      payout: address(f.owner),
      agent: address(f.other),
    })
  })

  it('keeps free vehicles per owner and drops them on transfer', async () => {
    const pileId = pileIdFromDmid('SH-REG-3')
    const car = address(f.vehicle)
    await f.owner.registerPile({
      pileId,
      payout: address(f.payout),
      agent: address(f.agent),
      pricePerKWh: 1n,
    })
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
    const pileId = pileIdFromDmid('SH-REG-4')
    await f.owner.registerPile({
      pileId,
      payout: address(f.payout),
      agent: address(f.agent),
      pricePerKWh: 1n,
    })

    const notOwner = await f.other.setTariff({ pileId, pricePerKWh: 2n }).catch((e: unknown) => e)
    expect(notOwner).toBeInstanceOf(ContractRevertedError)
    expect((notOwner as ContractRevertedError).reason).toBe('NotPileOwner')
    expect((notOwner as ContractRevertedError).shortMessage).toBe(
      "Only the pile's owner can change it; sign with the owner's key.",
    )
    expect((notOwner as ContractRevertedError).args).toEqual([pileId, address(f.other)])

    const exists = await f.owner
      .registerPile({ pileId, payout: address(f.payout), agent: address(f.agent), pricePerKWh: 1n })
      .catch((e: unknown) => e)
    expect((exists as ContractRevertedError).reason).toBe('PileExists')

    const zero = await f.owner.setPayout({ pileId, payout: zeroAddress }).catch((e: unknown) => e)
    expect((zero as ContractRevertedError).reason).toBe('ZeroAddress')

    const unknown = await f.other.getPile({ pileId: pileIdFromDmid('nope') }).catch((e: unknown) => e)
    expect((unknown as ContractRevertedError).reason).toBe('UnknownPile')
    const unknownFree = await f.other
      .isFreeVehicle({ pileId: pileIdFromDmid('nope'), vehicle: zeroAddress })
      .catch((e: unknown) => e)
    expect((unknownFree as ContractRevertedError).reason).toBe('UnknownPile')
  })

  it('needs a signer to write', async () => {
    const readOnly = createChargeChainClient({ deployment: f.deployment, rpcUrl: f.chain.rpcUrl })
    await expect(
      readOnly.setAgent({ pileId: pileIdFromDmid('SH-REG-1'), agent: address(f.agent) }),
    ).rejects.toBeInstanceOf(SignerRequiredError)
  })
})
