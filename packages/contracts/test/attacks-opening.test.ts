// The outside review's attacks on opening a session and registering a pile (contract findings 1, 4 and 5), mounted
// as the attacker would: a front-runner's transaction lands in the same block, ahead of the victim's. Each now takes
// nothing; every balance is checked to the wei.
// Breaks tried, each failing this file: dropping `if (expected != actual) revert TermsChanged(…)` in
// SessionEscrow._open (finding 1); `pileIdOf` hashing the DMID alone (finding 5); dropping `_checkWindow(settleWindow_)`
// from the escrow's constructor (finding 4).
import { type Abi, type Account, type Address, keccak256, parseEther, parseEventLogs, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoTokenAbi, demoTokenBytecode } from '../src/generated/DemoToken.js'
import { paymentChannelsAbi, paymentChannelsBytecode } from '../src/generated/PaymentChannels.js'
import { pileRegistryAbi } from '../src/generated/PileRegistry.js'
import { sessionEscrowAbi, sessionEscrowBytecode } from '../src/generated/SessionEscrow.js'
import { SessionStatus } from '../src/index.js'
import {
  deployRevert,
  expectRevert,
  type Fixture,
  hashTerms,
  pileIdOf,
  SETTLE_WINDOW,
  startFixture,
} from './fixture.js'

let f: Fixture
let owner: Account
let vehicle: Account
let attacker: Account
beforeAll(async () => {
  f = await startFixture({ accounts: 6 })
  ;[, , owner, vehicle, attacker] = f.accounts as [Account, Account, Account, Account, Account]
})
afterAll(() => f?.stop())

const tokenBalance = (token: Address, holder: Address) =>
  f.publicClient.readContract({
    address: token,
    abi: demoTokenAbi,
    functionName: 'balanceOf',
    args: [holder],
  })
const escrowCall = (functionName: string, args: readonly unknown[]) => ({
  address: f.contracts.escrow,
  abi: sessionEscrowAbi as Abi,
  functionName,
  args,
})
const registryCall = (functionName: string, args: readonly unknown[]) => ({
  address: f.contracts.registry,
  abi: pileRegistryAbi as Abi,
  functionName,
  args,
})

describe('finding 1: the owner front-runs the car’s opening with setTariff', () => {
  it('the car’s opening reverts with TermsChanged in the same block; it pays nothing in either token', async () => {
    // The car was offered token A at 0.3 per kWh and holds token B too, both approved to the escrow.
    const tokenA = f.contracts.token
    const tokenB = await f.deploy(demoTokenAbi, demoTokenBytecode)
    const offered = f.termsFor(owner, { currency: tokenA, pricePerKWh: parseEther('0.3') })
    const pileId = await f.registerPile(owner, offered)
    const deposit = parseEther('10')
    for (const token of [tokenA, tokenB]) {
      await f.send(f.deployer, {
        address: token,
        abi: demoTokenAbi,
        functionName: 'mint',
        args: [vehicle.address, deposit],
      })
      await f.send(vehicle, {
        address: token,
        abi: demoTokenAbi,
        functionName: 'approve',
        args: [f.contracts.escrow, deposit],
      })
    }
    const before = [await tokenBalance(tokenA, vehicle.address), await tokenBalance(tokenB, vehicle.address)]

    // The owner sees the car's transaction and sends token B at 3 per kWh with a higher fee.
    const expensive = { ...offered.tariff, currency: tokenB, pricePerKWh: parseEther('3') }
    const salt = toHex('front-run', { size: 32 })
    const [carReceipt, ownerReceipt] = await f.inOneBlock([
      { from: vehicle, call: escrowCall('openSession', [pileId, offered, salt, deposit]), priorityFee: 1n },
      { from: owner, call: registryCall('setTariff', [pileId, expensive]), priorityFee: 10n ** 9n },
    ])
    if (!(carReceipt && ownerReceipt)) throw new Error('two receipts expected')
    expect(carReceipt.blockNumber).toBe(ownerReceipt.blockNumber)
    expect(ownerReceipt.transactionIndex).toBe(0)
    expect(ownerReceipt.status).toBe('success')
    expect(carReceipt.status).toBe('reverted')
    // Replayed on the state it met, the car's call fails with TermsChanged(pileId, what it accepted, what is there).
    const changed = { ...offered, tariff: expensive }
    expect(
      await expectRevert(
        f.publicClient.simulateContract({
          ...escrowCall('openSession', [pileId, offered, salt, deposit]),
          account: vehicle,
        }),
        'TermsChanged',
      ),
    ).toEqual([pileId, hashTerms(offered), hashTerms(changed)])
    expect(parseEventLogs({ abi: sessionEscrowAbi, logs: carReceipt.logs })).toEqual([])
    expect([
      await tokenBalance(tokenA, vehicle.address),
      await tokenBalance(tokenB, vehicle.address),
    ]).toEqual(before)
    expect(await tokenBalance(tokenA, f.contracts.escrow)).toBe(0n)
    expect(await tokenBalance(tokenB, f.contracts.escrow)).toBe(0n)

    // Opening with the terms now offered works, and binds exactly them.
    const { session } = await f.openSession(vehicle, pileId, deposit, { terms: changed })
    expect(session.terms).toEqual(changed)
    expect(await tokenBalance(tokenB, vehicle.address)).toBe(0n)
  })
})

describe('finding 5: squatting a pile id', () => {
  it('a front-runner registering the same DMID gets an id of its own; the owner keeps its pile and terms', async () => {
    const dmid = keccak256(toHex('DMID-squat-0001'))
    const ownerTerms = f.termsFor(owner, { pricePerKWh: parseEther('0.0003') })
    const squatterTerms = f.termsFor(attacker, { pricePerKWh: parseEther('3') })
    const [ownerReceipt, attackerReceipt] = await f.inOneBlock([
      { from: owner, call: registryCall('registerPile', [dmid, ownerTerms]), priorityFee: 1n },
      { from: attacker, call: registryCall('registerPile', [dmid, squatterTerms]), priorityFee: 10n ** 9n },
    ])
    expect(attackerReceipt?.transactionIndex).toBe(0)
    expect([ownerReceipt?.status, attackerReceipt?.status]).toEqual(['success', 'success'])
    const pileId = pileIdOf(owner.address, dmid)
    expect(pileIdOf(attacker.address, dmid)).not.toBe(pileId)
    expect(
      await f.publicClient.readContract({
        address: f.contracts.registry,
        abi: pileRegistryAbi,
        functionName: 'getPile',
        args: [pileId],
      }),
    ).toEqual({ owner: owner.address, generation: 0n, terms: ownerTerms, termsHash: hashTerms(ownerTerms) })
    await expectRevert(f.registry(attacker, 'setTariff', [pileId, squatterTerms.tariff]), 'NotPileOwner')
    await expectRevert(f.registry(attacker, 'setAgent', [pileId, attacker.address]), 'NotPileOwner')
    // A car opening at the owner's pile binds the owner's terms.
    const { session } = await f.openSession(vehicle, pileId, 1000n, { value: 1000n })
    expect(session.terms).toEqual(ownerTerms)
  })
})

describe('finding 4: a window so large the deadlines wrap into the past', () => {
  const escrowArgs = (settleWindow: bigint, disputeWindow: bigint) => [
    f.contracts.registry,
    f.arbiter.address,
    settleWindow,
    disputeWindow,
  ]
  const year = 365n * 24n * 3600n
  const huge = 2n ** 64n - 1n

  it('the constructors refuse windows of 0 or above 365 days with WindowOutOfRange', async () => {
    for (const [settleWindow, disputeWindow, bad] of [
      [huge, 3600n, huge],
      [3600n, huge, huge],
      [0n, 3600n, 0n],
      [year + 1n, 3600n, year + 1n],
    ] as const) {
      expect(
        await deployRevert(
          f,
          sessionEscrowAbi as Abi,
          sessionEscrowBytecode,
          escrowArgs(settleWindow, disputeWindow),
        ),
      ).toEqual({ errorName: 'WindowOutOfRange', args: [bad, 1n, year] })
    }
    for (const bad of [huge, 0n, year + 1n]) {
      expect(await deployRevert(f, paymentChannelsAbi as Abi, paymentChannelsBytecode, [bad])).toEqual({
        errorName: 'WindowOutOfRange',
        args: [bad, 1n, year],
      })
    }
  })

  it('with the largest window, a refund request keeps the pile its whole year and the vehicle cannot refund early', async () => {
    const escrow = await f.deploy(sessionEscrowAbi as Abi, sessionEscrowBytecode, escrowArgs(year, year))
    const pileId = await f.registerPile(owner)
    const terms = await f.currentTerms(pileId)
    const deposit = parseEther('0.01')
    const salt = toHex('year', { size: 32 })
    const opened = await f.send(vehicle, {
      address: escrow,
      abi: sessionEscrowAbi as Abi,
      functionName: 'openSession',
      args: [pileId, terms, salt, deposit],
      value: deposit,
    })
    const [log] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionOpened', logs: opened.logs })
    if (!log) throw new Error('no SessionOpened event')
    const session = { vehicle: vehicle.address, pileId, terms, deposit, openedAt: log.args.openedAt, salt }
    await f.advance(1)
    await f.send(vehicle, {
      address: escrow,
      abi: sessionEscrowAbi as Abi,
      functionName: 'requestRefund',
      args: [session],
    })
    const refundableAt = (await f.now()) + year
    expect(
      await f.publicClient.readContract({
        address: escrow,
        abi: sessionEscrowAbi,
        functionName: 'getSessionStatus',
        args: [log.args.sessionId],
      }),
    ).toEqual([SessionStatus.RefundRequested, refundableAt, '0x0000000000000000000000000000000000000000'])
    await f.advance(SETTLE_WINDOW)
    await expectRevert(
      f.send(vehicle, {
        address: escrow,
        abi: sessionEscrowAbi as Abi,
        functionName: 'refund',
        args: [session],
      }),
      'RefundNotYetAvailable',
    )
  })
})
