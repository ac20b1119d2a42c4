import { type Hex, keccak256, parseEventLogs, toHex, zeroAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pileRegistryAbi } from '../src/generated/PileRegistry.js'
import { NATIVE_CURRENCY } from '../src/index.js'
import { expectRevert, type Fixture, startFixture } from './fixture.js'

let f: Fixture
beforeAll(async () => {
  f = await startFixture({ accounts: 8 })
})
afterAll(() => f?.stop())

const read = <T>(functionName: string, args: readonly unknown[]) =>
  f.publicClient.readContract({
    address: f.contracts.registry,
    abi: pileRegistryAbi,
    functionName,
    args,
  } as never) as Promise<T>

describe('PileRegistry', () => {
  it('registers a pile with its terms and emits them', async () => {
    const [, , owner, payout, agent] = f.accounts
    const pileId = keccak256(toHex('DMID-0001'))
    const receipt = await f.registry(owner!, 'registerPile', [
      pileId,
      payout!.address,
      agent!.address,
      zeroAddress,
      123n,
    ])
    const [event] = parseEventLogs({ abi: pileRegistryAbi, eventName: 'PileRegistered', logs: receipt.logs })
    expect(event!.args).toEqual({
      pileId,
      owner: owner!.address,
      payout: payout!.address,
      agent: agent!.address,
      currency: zeroAddress,
      pricePerKWh: 123n,
    })
    expect(await read('getPile', [pileId])).toEqual({
      owner: owner!.address,
      generation: 0n,
      payout: payout!.address,
      pricePerKWh: 123n,
      agent: agent!.address,
      currency: zeroAddress,
    })
    expect(await read('sessionTerms', [pileId])).toEqual([payout!.address, 123n, agent!.address, zeroAddress])
  })

  it('refuses a duplicate id, zero addresses and unknown piles', async () => {
    const [, , owner, other] = f.accounts
    const pileId = await f.registerPile(owner!)
    await expectRevert(
      f.registry(other!, 'registerPile', [pileId, other!.address, other!.address, zeroAddress, 1n]),
      'PileExists',
    )
    const fresh = keccak256(toHex('fresh'))
    await expectRevert(
      f.registry(owner!, 'registerPile', [fresh, zeroAddress, owner!.address, zeroAddress, 1n]),
      'ZeroAddress',
    )
    await expectRevert(
      f.registry(owner!, 'registerPile', [fresh, owner!.address, zeroAddress, zeroAddress, 1n]),
      'ZeroAddress',
    )
    await expectRevert(read('getPile', [fresh]), 'UnknownPile')
    await expectRevert(read('sessionTerms', [fresh]), 'UnknownPile')
    await expectRevert(read('isFreeVehicle', [fresh, owner!.address]), 'UnknownPile')
    await expectRevert(f.registry(owner!, 'setTariff', [fresh, zeroAddress, 1n]), 'UnknownPile')
  })

  it('lets only the owner change tariff, payout, agent and free vehicles, emitting the new values', async () => {
    const [, , owner, other, newPayout, newAgent, car] = f.accounts
    const pileId = await f.registerPile(owner!)
    const changes: [string, readonly unknown[], string, Record<string, unknown>][] = [
      [
        'setTariff',
        [pileId, f.contracts.token, 5n],
        'PileTariffChanged',
        { currency: f.contracts.token, pricePerKWh: 5n },
      ],
      ['setPayout', [pileId, newPayout!.address], 'PilePayoutChanged', { payout: newPayout!.address }],
      ['setAgent', [pileId, newAgent!.address], 'PileAgentChanged', { agent: newAgent!.address }],
      [
        'setFreeVehicles',
        [pileId, [car!.address], []],
        'FreeVehicleSet',
        { vehicle: car!.address, free: true },
      ],
    ]
    for (const [functionName, args, eventName, values] of changes) {
      await expectRevert(f.registry(other!, functionName, args), 'NotPileOwner')
      const receipt = await f.registry(owner!, functionName, args)
      const [event] = parseEventLogs({ abi: pileRegistryAbi, logs: receipt.logs })
      expect(event!.eventName).toBe(eventName)
      expect(event!.args).toMatchObject({ pileId, ...values })
    }
    expect(await read('getPile', [pileId])).toMatchObject({
      payout: newPayout!.address,
      agent: newAgent!.address,
      currency: f.contracts.token,
      pricePerKWh: 5n,
    })
    await expectRevert(f.registry(owner!, 'setPayout', [pileId, zeroAddress]), 'ZeroAddress')
    await expectRevert(f.registry(owner!, 'setAgent', [pileId, zeroAddress]), 'ZeroAddress')
    await expectRevert(f.registry(owner!, 'setFreeVehicles', [pileId, [zeroAddress], []]), 'ZeroAddress')
  })

  it('adds and removes free vehicles in one call; the owner is always free', async () => {
    const [, , owner, a, b, c] = f.accounts
    const pileId = await f.registerPile(owner!)
    await f.registry(owner!, 'setFreeVehicles', [pileId, [a!.address, b!.address], []])
    const receipt = await f.registry(owner!, 'setFreeVehicles', [pileId, [c!.address], [a!.address]])
    const events = parseEventLogs({ abi: pileRegistryAbi, eventName: 'FreeVehicleSet', logs: receipt.logs })
    expect(events.map((event) => [event.args.vehicle, event.args.free])).toEqual([
      [c!.address, true],
      [a!.address, false],
    ])
    const free = async (vehicle: Hex) => read<boolean>('isFreeVehicle', [pileId, vehicle])
    expect(await free(owner!.address)).toBe(true)
    expect(await free(a!.address)).toBe(false)
    expect(await free(b!.address)).toBe(true)
    expect(await free(c!.address)).toBe(true)
  })

  it("transfers a pile: new payout and agent, the old owner's cars stop being free, the old owner loses control", async () => {
    const [, , owner, oldCar, newOwner, newPayout, newAgent, newCar] = f.accounts
    const pileId = await f.registerPile(owner!)
    await f.registry(owner!, 'setFreeVehicles', [pileId, [oldCar!.address], []])
    await expectRevert(
      f.registry(newOwner!, 'transferPile', [
        pileId,
        newOwner!.address,
        newPayout!.address,
        newAgent!.address,
      ]),
      'NotPileOwner',
    )
    await expectRevert(
      f.registry(owner!, 'transferPile', [pileId, zeroAddress, newPayout!.address, newAgent!.address]),
      'ZeroAddress',
    )
    const receipt = await f.registry(owner!, 'transferPile', [
      pileId,
      newOwner!.address,
      newPayout!.address,
      newAgent!.address,
    ])
    const [event] = parseEventLogs({ abi: pileRegistryAbi, eventName: 'PileTransferred', logs: receipt.logs })
    expect(event!.args).toEqual({
      pileId,
      previousOwner: owner!.address,
      newOwner: newOwner!.address,
      payout: newPayout!.address,
      agent: newAgent!.address,
      generation: 1n,
    })
    expect(await read('isFreeVehicle', [pileId, oldCar!.address])).toBe(false)
    expect(await read('isFreeVehicle', [pileId, owner!.address])).toBe(false)
    expect(await read('isFreeVehicle', [pileId, newOwner!.address])).toBe(true)
    await expectRevert(f.registry(owner!, 'setFreeVehicles', [pileId, [oldCar!.address], []]), 'NotPileOwner')
    await f.registry(newOwner!, 'setFreeVehicles', [pileId, [newCar!.address], []])
    expect(await read('isFreeVehicle', [pileId, newCar!.address])).toBe(true)
    expect(await read('getPile', [pileId])).toMatchObject({
      owner: newOwner!.address,
      generation: 1n,
      currency: NATIVE_CURRENCY,
    })
  })
})
