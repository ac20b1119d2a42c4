import { type Account, type Hex, keccak256, parseEventLogs, toHex, zeroAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pileRegistryAbi } from '../src/generated/PileRegistry.js'
import { expectRevert, type Fixture, hashTerms, pileIdOf, startFixture, type Terms } from './fixture.js'

let f: Fixture
let owner: Account
let other: Account
let payout: Account
let agent: Account
let car: Account
beforeAll(async () => {
  f = await startFixture({ accounts: 8 })
  ;[, , owner, other, payout, agent, car] = f.accounts as [
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
  ]
})
afterAll(() => f?.stop())

const read = <T>(functionName: string, args: readonly unknown[]) =>
  f.publicClient.readContract({
    address: f.contracts.registry,
    abi: pileRegistryAbi,
    functionName,
    args,
  } as never) as Promise<T>

let dmids = 0
const nextDmid = () => keccak256(toHex(`registry-dmid-${++dmids}`))

async function register(by: Account, terms: Terms) {
  const dmid = nextDmid()
  const receipt = await f.registry(by, 'registerPile', [dmid, terms])
  return { dmid, pileId: pileIdOf(by.address, dmid), receipt }
}

describe('PileRegistry', () => {
  it('registers a pile under an id derived from the registrant and the DMID, and emits its terms', async () => {
    const terms = f.termsFor(owner, {
      payout: payout.address,
      agent: agent.address,
      pricePerKWh: 123n,
      pricePerMinute: 4n,
      idlePerMinute: 5n,
      sessionFee: 6n,
      creditWh: 700,
    })
    const { dmid, pileId, receipt } = await register(owner, terms)
    expect(await read('pileIdOf', [owner.address, dmid])).toBe(pileId)
    const events = parseEventLogs({ abi: pileRegistryAbi, logs: receipt.logs })
    expect(events.map((event) => [event.eventName, event.args])).toEqual([
      ['PileRegistered', { pileId, owner: owner.address, dmid }],
      ['PileTermsChanged', { pileId, terms, termsHash: hashTerms(terms) }],
    ])
    expect(await read('getPile', [pileId])).toEqual({
      owner: owner.address,
      generation: 0n,
      terms,
      termsHash: hashTerms(terms),
    })
    expect(await read('termsHashOf', [pileId])).toBe(hashTerms(terms))
    expect(await read('ownerOf', [pileId])).toBe(owner.address)
  })

  it('refuses a duplicate, zero addresses and unknown piles; another registrant’s same DMID is another pile', async () => {
    const terms = f.termsFor(owner)
    const { dmid, pileId } = await register(owner, terms)
    expect(await expectRevert(f.registry(owner, 'registerPile', [dmid, terms]), 'PileExists')).toEqual([
      pileId,
    ])
    await f.registry(other, 'registerPile', [dmid, f.termsFor(other)])
    expect(await read('ownerOf', [pileIdOf(other.address, dmid)])).toBe(other.address)
    expect(await read('ownerOf', [pileId])).toBe(owner.address)

    const fresh = nextDmid()
    await expectRevert(
      f.registry(owner, 'registerPile', [fresh, { ...terms, payout: zeroAddress }]),
      'ZeroAddress',
    )
    await expectRevert(
      f.registry(owner, 'registerPile', [fresh, { ...terms, agent: zeroAddress }]),
      'ZeroAddress',
    )
    const unknown = pileIdOf(owner.address, fresh)
    for (const view of ['getPile', 'termsHashOf', 'ownerOf'])
      await expectRevert(read(view, [unknown]), 'UnknownPile')
    await expectRevert(read('isFreeVehicle', [unknown, owner.address]), 'UnknownPile')
    await expectRevert(f.registry(owner, 'setTariff', [unknown, terms.tariff]), 'UnknownPile')
  })

  it('lets only the owner change tariff, credit, payout and agent; each change re-hashes and emits the terms', async () => {
    const initial = f.termsFor(owner)
    const { pileId } = await register(owner, initial)
    const tariff = {
      currency: f.contracts.token,
      pricePerKWh: 5n,
      pricePerMinute: 6n,
      idlePerMinute: 7n,
      sessionFee: 8n,
    }
    const changes: [string, unknown, Terms][] = [
      ['setTariff', tariff, { ...initial, tariff }],
      ['setCredit', 42, { ...initial, tariff, creditWh: 42 }],
      ['setPayout', payout.address, { ...initial, tariff, creditWh: 42, payout: payout.address }],
      [
        'setAgent',
        agent.address,
        { ...initial, tariff, creditWh: 42, payout: payout.address, agent: agent.address },
      ],
    ]
    for (const [functionName, value, expected] of changes) {
      await expectRevert(f.registry(other, functionName, [pileId, value]), 'NotPileOwner')
      const receipt = await f.registry(owner, functionName, [pileId, value])
      const events = parseEventLogs({ abi: pileRegistryAbi, logs: receipt.logs })
      expect(events.map((event) => [event.eventName, event.args])).toEqual([
        ['PileTermsChanged', { pileId, terms: expected, termsHash: hashTerms(expected) }],
      ])
      expect(await read('termsHashOf', [pileId])).toBe(hashTerms(expected))
      expect(await read<{ terms: Terms }>('getPile', [pileId])).toMatchObject({ terms: expected })
    }
    await expectRevert(f.registry(owner, 'setPayout', [pileId, zeroAddress]), 'ZeroAddress')
    await expectRevert(f.registry(owner, 'setAgent', [pileId, zeroAddress]), 'ZeroAddress')
    await expectRevert(f.registry(owner, 'setFreeVehicles', [pileId, [zeroAddress], []]), 'ZeroAddress')
  })

  it('adds and removes free vehicles in one call; the owner is always free', async () => {
    const [, , , , , , , extra] = f.accounts
    const { pileId } = await register(owner, f.termsFor(owner))
    const a = car.address
    const b = other.address
    const c = (extra ?? payout).address
    await expectRevert(f.registry(other, 'setFreeVehicles', [pileId, [a], []]), 'NotPileOwner')
    await f.registry(owner, 'setFreeVehicles', [pileId, [a, b], []])
    const receipt = await f.registry(owner, 'setFreeVehicles', [pileId, [c], [a]])
    const events = parseEventLogs({ abi: pileRegistryAbi, eventName: 'FreeVehicleSet', logs: receipt.logs })
    expect(events.map((event) => [event.args.vehicle, event.args.free])).toEqual([
      [c, true],
      [a, false],
    ])
    const free = async (vehicle: Hex) => read<boolean>('isFreeVehicle', [pileId, vehicle])
    expect(await free(owner.address)).toBe(true)
    expect(await free(a)).toBe(false)
    expect(await free(b)).toBe(true)
    expect(await free(c)).toBe(true)
  })

  it("transfers a pile: same id, new owner, payout and agent; the old owner's cars stop being free and the old owner loses control", async () => {
    const [, , , , , , , newOwner] = f.accounts
    if (!newOwner) throw new Error('the fixture has 8 accounts')
    const initial = f.termsFor(owner)
    const { pileId } = await register(owner, initial)
    await f.registry(owner, 'setFreeVehicles', [pileId, [car.address], []])
    const args = [pileId, newOwner.address, payout.address, agent.address]
    await expectRevert(f.registry(newOwner, 'transferPile', args), 'NotPileOwner')
    await expectRevert(
      f.registry(owner, 'transferPile', [pileId, zeroAddress, payout.address, agent.address]),
      'ZeroAddress',
    )
    await expectRevert(
      f.registry(owner, 'transferPile', [pileId, newOwner.address, payout.address, zeroAddress]),
      'ZeroAddress',
    )
    const receipt = await f.registry(owner, 'transferPile', args)
    const terms = { ...initial, payout: payout.address, agent: agent.address }
    const events = parseEventLogs({ abi: pileRegistryAbi, logs: receipt.logs })
    expect(events.map((event) => [event.eventName, event.args])).toEqual([
      [
        'PileTransferred',
        { pileId, previousOwner: owner.address, newOwner: newOwner.address, generation: 1n },
      ],
      ['PileTermsChanged', { pileId, terms, termsHash: hashTerms(terms) }],
    ])
    expect(await read('isFreeVehicle', [pileId, car.address])).toBe(false)
    expect(await read('isFreeVehicle', [pileId, owner.address])).toBe(false)
    expect(await read('isFreeVehicle', [pileId, newOwner.address])).toBe(true)
    await expectRevert(f.registry(owner, 'setFreeVehicles', [pileId, [car.address], []]), 'NotPileOwner')
    await expectRevert(f.registry(owner, 'setAgent', [pileId, owner.address]), 'NotPileOwner')
    await f.registry(newOwner, 'setFreeVehicles', [pileId, [other.address], []])
    expect(await read('isFreeVehicle', [pileId, other.address])).toBe(true)
    expect(await read('getPile', [pileId])).toEqual({
      owner: newOwner.address,
      generation: 1n,
      terms,
      termsHash: hashTerms(terms),
    })
  })
})
