// Contracts as vehicle, payout, operator and token try to call back into the contract paying them.
import {
  type Abi,
  type Account,
  type Address,
  encodeFunctionData,
  type Hex,
  parseEther,
  parseEventLogs,
  toFunctionSelector,
  toHex,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paymentChannelsAbi } from '../src/generated/PaymentChannels.js'
import { sessionEscrowAbi } from '../src/generated/SessionEscrow.js'
import {
  reentrancyAttackerAbi,
  reentrancyAttackerBytecode,
} from '../src/generated/test/ReentrancyAttacker.js'
import { reentrantTokenAbi, reentrantTokenBytecode } from '../src/generated/test/ReentrantToken.js'
import { NATIVE_CURRENCY } from '../src/index.js'
import {
  DISPUTE_WINDOW,
  eventIn,
  type Fixture,
  groupInputs,
  NO_SIGNATURE,
  SETTLE_WINDOW,
  type Session,
  startFixture,
} from './fixture.js'

const GUARD = toFunctionSelector('ReentrancyGuardReentrantCall()')
const deposit = parseEther('0.05')
const price = parseEther('0.0003')
let f: Fixture
let owner: Account
let agent: Account
let vehicle: Account

beforeAll(async () => {
  f = await startFixture({ accounts: 6 })
  ;[, , owner, agent, vehicle] = f.accounts as [Account, Account, Account, Account, Account]
})
afterAll(() => f?.stop())

async function newAttacker() {
  return f.deploy(reentrancyAttackerAbi, reentrancyAttackerBytecode)
}
const record = async (attacker: Address) => {
  const [attempts, successes, lastError] = (await f.publicClient.readContract({
    address: attacker,
    abi: reentrancyAttackerAbi,
    functionName: 'record',
  })) as readonly [bigint, bigint, Hex, boolean]
  return { attempts, successes, lastError }
}
const arm = (attacker: Address, target: Address, abi: Abi, functionName: string, args: readonly unknown[]) =>
  f.send(owner, {
    address: attacker,
    abi: reentrancyAttackerAbi,
    functionName: 'arm',
    args: [target, encodeFunctionData({ abi, functionName, args } as never)],
  })
/** Makes the attacker contract call `functionName` on `target` as itself. */
const as = (
  attacker: Address,
  target: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
  value = 0n,
) =>
  f.send(owner, {
    address: attacker,
    abi: reentrancyAttackerAbi,
    functionName: 'execute',
    args: [target, value, encodeFunctionData({ abi, functionName, args } as never)],
    value,
  })
const escrowBalance = (account: Address, currency: Address = NATIVE_CURRENCY) =>
  f.publicClient.readContract({
    address: f.contracts.escrow,
    abi: sessionEscrowAbi,
    functionName: 'balanceOf',
    args: [account, currency],
  })

describe('reentrancy', () => {
  it('escrow: settle, batch settle, refund, dispute decide/expire credit without calling out; withdraw cannot re-enter', async () => {
    const attacker = await newAttacker() // the pile's payout and, separately, a vehicle
    const vehicleAttacker = await newAttacker()
    const pileId = await f.registerPile(owner, { payout: attacker, agent: agent.address, pricePerKWh: price })
    await arm(attacker, f.contracts.escrow, sessionEscrowAbi, 'withdraw', [NATIVE_CURRENCY, attacker])
    await arm(vehicleAttacker, f.contracts.escrow, sessionEscrowAbi, 'withdraw', [
      NATIVE_CURRENCY,
      vehicleAttacker,
    ])

    let salts = 0
    const terms = await f.currentTerms(pileId)
    const open = async (from: 'eoa' | 'contract') => {
      if (from === 'eoa') return f.openSession(vehicle, pileId, deposit, { value: deposit })
      const salt = toHex(++salts, { size: 32 })
      const receipt = await as(
        vehicleAttacker,
        f.contracts.escrow,
        sessionEscrowAbi,
        'openSession',
        [pileId, terms, salt, deposit],
        deposit,
      )
      const [log] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionOpened', logs: receipt.logs })
      if (!log) throw new Error('no SessionOpened event')
      const session: Session = {
        vehicle: vehicleAttacker,
        pileId,
        terms,
        deposit,
        openedAt: log.args.openedAt,
        salt,
      }
      return { session, sessionId: log.args.sessionId }
    }
    const voucher = (s: { session: Session; sessionId: Hex }) =>
      f.settleArgs(vehicle, s.session, { sessionId: s.sessionId, energyWh: 1000n, amount: price })

    const single = await open('eoa')
    const batch = [await open('eoa'), await open('eoa')]
    const contractVehicle = await open('contract')
    const refunded = await open('contract')
    const decided = await open('eoa')
    const expired = await open('eoa')
    const disputed = [decided, expired]
    await f.advance(1)
    await f.escrow(agent, 'settleSession', await voucher(single))
    const inputs = await Promise.all(
      batch.map((s) =>
        f.settleInput(vehicle, s.session, { sessionId: s.sessionId, energyWh: 1000n, amount: price }),
      ),
    )
    await f.escrow(agent, 'settleSessions', [groupInputs(inputs)])
    await f.escrow(agent, 'settleSession', [
      contractVehicle.session,
      0n,
      0,
      0,
      0n,
      NO_SIGNATURE.r,
      NO_SIGNATURE.vs,
    ])
    await as(vehicleAttacker, f.contracts.escrow, sessionEscrowAbi, 'requestRefund', [refunded.session])
    await f.advance(SETTLE_WINDOW)
    await as(vehicleAttacker, f.contracts.escrow, sessionEscrowAbi, 'refund', [refunded.session])
    for (const s of disputed)
      await f.escrow(agent, 'settleWithClaim', [...(await voucher(s)), 1500n, price / 2n])
    await f.escrow(f.arbiter, 'decideDispute', [decided.sessionId, price / 2n])
    await f.advance(DISPUTE_WINDOW + 1n)
    await f.escrow(f.arbiter, 'expireDispute', [expired.sessionId])
    // No payout path called out to the attackers.
    expect((await record(attacker)).attempts).toBe(0n)
    expect((await record(vehicleAttacker)).attempts).toBe(0n)

    const owedPayout = await escrowBalance(attacker)
    expect(owedPayout).toBe(5n * price + price / 2n) // single, two batched, two voucher parts of disputes, one claim
    const owedVehicle = await escrowBalance(vehicleAttacker)
    expect(owedVehicle).toBe(2n * deposit)
    for (const [contract, owed] of [
      [attacker, owedPayout],
      [vehicleAttacker, owedVehicle],
    ] as const) {
      const before = await f.publicClient.getBalance({ address: contract })
      await as(contract, f.contracts.escrow, sessionEscrowAbi, 'withdraw', [NATIVE_CURRENCY, contract])
      expect(await record(contract)).toEqual({ attempts: 1n, successes: 0n, lastError: GUARD })
      expect(await f.publicClient.getBalance({ address: contract })).toBe(before + owed)
      expect(await escrowBalance(contract)).toBe(0n)
    }
  })

  it('escrow: a token with a transfer hook cannot re-enter on open or withdraw', async () => {
    const token = await f.deploy(reentrantTokenAbi, reentrantTokenBytecode)
    const tokenCall = (functionName: string, args: readonly unknown[], from = vehicle) =>
      f.send(from, { address: token, abi: reentrantTokenAbi, functionName, args })
    const pileId = await f.registerPile(owner, {
      payout: owner.address,
      agent: agent.address,
      currency: token,
      pricePerKWh: price,
    })
    await tokenCall('mint', [vehicle.address, deposit])
    await tokenCall('approve', [f.contracts.escrow, deposit])
    await tokenCall('arm', [
      f.contracts.escrow,
      encodeFunctionData({ abi: sessionEscrowAbi, functionName: 'withdraw', args: [token, vehicle.address] }),
    ])
    const { session } = await f.openSession(vehicle, pileId, deposit)
    await f.advance(1)
    await f.escrow(agent, 'settleSession', [session, 0n, 0, 0, 0n, NO_SIGNATURE.r, NO_SIGNATURE.vs])
    await f.escrow(vehicle, 'withdraw', [token, vehicle.address])
    const read = (functionName: string) =>
      f.publicClient.readContract({ address: token, abi: reentrantTokenAbi, functionName } as never)
    expect(await read('attempts')).toBe(2n)
    expect(await read('successes')).toBe(0n)
    expect(await read('lastError')).toBe(GUARD)
    expect(
      await f.publicClient.readContract({
        address: token,
        abi: reentrantTokenAbi,
        functionName: 'balanceOf',
        args: [vehicle.address],
      }),
    ).toBe(deposit)
  })

  it('channels: an operator re-entering on settle and a vehicle re-entering on close are stopped', async () => {
    const operator = await newAttacker()
    const vehicleContract = await newAttacker()
    const openBy = async (salt: number) => {
      const receipt = await f.channels(
        vehicle,
        'openChannel',
        [operator, NATIVE_CURRENCY, deposit, toHex(salt, { size: 32 })],
        deposit,
      )
      return eventIn(receipt, paymentChannelsAbi, 'ChannelOpened').args.channelId
    }
    const channelId = await openBy(1)
    const signature = await f.signChannelVoucher(vehicle, { channelId, cumulativeAmount: 1000n })
    await arm(operator, f.contracts.channels, paymentChannelsAbi, 'settleChannel', [
      channelId,
      1000n,
      signature,
    ])
    const before = await f.publicClient.getBalance({ address: operator })
    await as(operator, f.contracts.channels, paymentChannelsAbi, 'settleChannel', [
      channelId,
      1000n,
      signature,
    ])
    expect(await record(operator)).toEqual({ attempts: 1n, successes: 0n, lastError: GUARD })
    expect(await f.publicClient.getBalance({ address: operator })).toBe(before + 1000n)

    // settleAndClose pays the (attacking) operator; the attempt to settle again is stopped.
    const final = await f.signChannelVoucher(vehicle, { channelId, cumulativeAmount: 3000n })
    await arm(operator, f.contracts.channels, paymentChannelsAbi, 'settleAndClose', [channelId, 3000n, final])
    await as(operator, f.contracts.channels, paymentChannelsAbi, 'settleAndClose', [channelId, 3000n, final])
    expect(await record(operator)).toMatchObject({ attempts: 2n, successes: 0n, lastError: GUARD })

    // A contract vehicle closing its channel tries to close again from its receive hook.
    const receipt = await as(
      vehicleContract,
      f.contracts.channels,
      paymentChannelsAbi,
      'openChannel',
      [vehicle.address, NATIVE_CURRENCY, deposit, toHex(9, { size: 32 })],
      deposit,
    )
    const ownId = eventIn(receipt, paymentChannelsAbi, 'ChannelOpened').args.channelId
    await as(vehicleContract, f.contracts.channels, paymentChannelsAbi, 'requestClose', [ownId])
    await f.advance(86_400)
    await arm(vehicleContract, f.contracts.channels, paymentChannelsAbi, 'closeChannel', [ownId])
    const vehicleBefore = await f.publicClient.getBalance({ address: vehicleContract })
    await as(vehicleContract, f.contracts.channels, paymentChannelsAbi, 'closeChannel', [ownId])
    expect(await record(vehicleContract)).toEqual({ attempts: 1n, successes: 0n, lastError: GUARD })
    expect(await f.publicClient.getBalance({ address: vehicleContract })).toBe(vehicleBefore + deposit)
  })

  it('channels: a recipient that rejects payment is credited instead, and cannot block the operator', async () => {
    const vehicleContract = await newAttacker()
    const operator = f.account(5)
    const receipt = await as(
      vehicleContract,
      f.contracts.channels,
      paymentChannelsAbi,
      'openChannel',
      [operator.address, NATIVE_CURRENCY, deposit, toHex(10, { size: 32 })],
      deposit,
    )
    const channelId = eventIn(receipt, paymentChannelsAbi, 'ChannelOpened').args.channelId
    await f.send(owner, {
      address: vehicleContract,
      abi: reentrancyAttackerAbi,
      functionName: 'setRejectPayments',
      args: [true],
    })
    const closed = await f.channels(operator, 'settleAndClose', [channelId, 0n, '0x'])
    const credited = eventIn(closed, paymentChannelsAbi, 'Credited')
    expect(credited.args).toEqual({ account: vehicleContract, currency: NATIVE_CURRENCY, amount: deposit })
    await f.send(owner, {
      address: vehicleContract,
      abi: reentrancyAttackerAbi,
      functionName: 'setRejectPayments',
      args: [false],
    })
    await as(vehicleContract, f.contracts.channels, paymentChannelsAbi, 'withdraw', [
      NATIVE_CURRENCY,
      vehicleContract,
    ])
    expect(await f.publicClient.getBalance({ address: f.contracts.channels })).toBe(0n)
  })
})
