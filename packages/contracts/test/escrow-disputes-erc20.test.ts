import { type Abi, type Account, type Hex, parseEther, parseEventLogs, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoTokenAbi } from '../src/generated/DemoToken.js'
import { sessionEscrowAbi } from '../src/generated/SessionEscrow.js'
import {
  feeOnTransferTokenAbi,
  feeOnTransferTokenBytecode,
} from '../src/generated/test/FeeOnTransferToken.js'
import { NATIVE_CURRENCY } from '../src/index.js'
import { DISPUTE_WINDOW, expectRevert, type Fixture, startFixture, type Terms } from './fixture.js'

let f: Fixture
let owner: Account
let agent: Account
let payout: Account
let vehicle: Account
let other: Account
let pileId: Hex
let tokenPile: Hex
const price = parseEther('0.0003')
const deposit = parseEther('0.05')
const priceOf = (energyWh: bigint) => (energyWh * price + 999n) / 1000n
// Escrow calls that may revert inside the token: decode the token's errors too.
const escrowAndTokenAbi = [
  ...sessionEscrowAbi,
  ...demoTokenAbi.filter((item) => item.type === 'error'),
] as Abi

beforeAll(async () => {
  f = await startFixture({ accounts: 8 })
  ;[, , owner, agent, payout, vehicle, other] = f.accounts as [
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
  ]
  pileId = await f.registerPile(owner, {
    payout: payout.address,
    agent: agent.address,
    pricePerKWh: price,
    creditWh: CREDIT_WH,
  })
  tokenPile = await f.registerPile(owner, {
    payout: payout.address,
    agent: agent.address,
    pricePerKWh: price,
    currency: f.contracts.token,
  })
  await f.token(f.deployer, 'mint', [vehicle.address, parseEther('100')])
})
afterAll(() => f?.stop())

const read = <T>(functionName: string, args: readonly unknown[]) =>
  f.publicClient.readContract({
    address: f.contracts.escrow,
    abi: sessionEscrowAbi,
    functionName,
    args,
  } as never) as Promise<T>
const balanceOf = (account: Account, currency: Hex = NATIVE_CURRENCY) =>
  read<bigint>('balanceOf', [account.address, currency])

const CREDIT_WH = 500

async function claim(energyWh: bigint, amount: bigint, claimedEnergyWh: bigint, claimedAmount: bigint) {
  const { session, sessionId } = await f.openSession(vehicle, pileId, deposit, { value: deposit })
  await f.advance(1)
  const args = await f.settleArgs(vehicle, session, { sessionId, energyWh, amount })
  const call = () => f.escrow(agent, 'settleWithClaim', [...args, claimedEnergyWh, claimedAmount])
  return { session, sessionId, call }
}

describe('disputes', () => {
  it('pays the voucher, holds the claim, and the arbiter splits it within the window', async () => {
    const claimed = priceOf(BigInt(CREDIT_WH))
    const { sessionId, call } = await claim(1000n, priceOf(1000n), 1000n + BigInt(CREDIT_WH), claimed)
    const [p, v] = [await balanceOf(payout), await balanceOf(vehicle)]
    const receipt = await call()
    const refund = deposit - priceOf(1000n) - claimed
    const events = parseEventLogs({ abi: sessionEscrowAbi, logs: receipt.logs })
    expect(events.map((event) => event.eventName)).toEqual(['SessionSettled', 'DisputeOpened'])
    const deadline = (await f.now()) + DISPUTE_WINDOW
    expect(events[1]?.args).toEqual({
      sessionId,
      energyWh: 1000n,
      claimedEnergyWh: 1000n + BigInt(CREDIT_WH),
      claimedAmount: claimed,
      deadline,
    })
    expect(await balanceOf(payout)).toBe(p + priceOf(1000n))
    expect(await balanceOf(vehicle)).toBe(v + refund)
    expect(await read('getDispute', [sessionId])).toEqual({
      vehicle: vehicle.address,
      deadline: Number(deadline),
      payout: payout.address,
      currency: NATIVE_CURRENCY,
      held: claimed,
    })

    await expectRevert(f.escrow(other, 'decideDispute', [sessionId, 1n]), 'NotArbiter')
    await expectRevert(
      f.escrow(f.arbiter, 'decideDispute', [sessionId, claimed + 1n]),
      'DecisionExceedsClaim',
    )
    await expectRevert(f.escrow(f.arbiter, 'expireDispute', [sessionId]), 'DisputeStillOpen')
    const decided = await f.escrow(f.arbiter, 'decideDispute', [sessionId, 100n])
    const [event] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'DisputeDecided', logs: decided.logs })
    expect(event?.args).toEqual({ sessionId, amountToPile: 100n, amountToVehicle: claimed - 100n })
    expect(await balanceOf(payout)).toBe(p + priceOf(1000n) + 100n)
    expect(await balanceOf(vehicle)).toBe(v + refund + claimed - 100n)
    await expectRevert(f.escrow(f.arbiter, 'decideDispute', [sessionId, 0n]), 'DisputeNotFound')
    await expectRevert(f.escrow(f.arbiter, 'expireDispute', [sessionId]), 'DisputeNotFound')
  })

  it('bounds the claim by the credit beyond the voucher, its energy price and the deposit left', async () => {
    const credit = BigInt(CREDIT_WH)
    const zero = await claim(1000n, priceOf(1000n), 1000n + credit, 0n)
    await expectRevert(zero.call(), 'ZeroAmount')
    const notAbove = await claim(1000n, priceOf(1000n), 1000n, 1n)
    expect(await expectRevert(notAbove.call(), 'ClaimNotAboveVoucher')).toEqual([1000n, 1000n])
    const overCredit = await claim(1000n, priceOf(1000n), 1001n + credit, 1n)
    expect(await expectRevert(overCredit.call(), 'ClaimExceedsCredit')).toEqual([credit + 1n, credit])
    const overPrice = await claim(1000n, priceOf(1000n), 1000n + credit, priceOf(credit) + 1n)
    expect(await expectRevert(overPrice.call(), 'ClaimExceedsPrice')).toEqual([
      priceOf(credit) + 1n,
      priceOf(credit),
    ])
    // A voucher for almost the whole deposit leaves less than the credit's price.
    const nearlyAll = (deposit * 1000n + price - 1n) / price
    const overDeposit = await claim(nearlyAll, deposit - 1n, nearlyAll + credit, 2n)
    expect(await expectRevert(overDeposit.call(), 'ClaimExceedsDeposit')).toEqual([2n, 1n])
  })

  it('returns the held amount to the vehicle after the window; the arbiter is too late then', async () => {
    const claimed = priceOf(200n)
    const { sessionId, call } = await claim(0n, 0n, 200n, claimed)
    await call()
    await f.advance(DISPUTE_WINDOW + 1n)
    await expectRevert(f.escrow(f.arbiter, 'decideDispute', [sessionId, 1n]), 'DisputeWindowClosed')
    const before = await balanceOf(vehicle)
    const receipt = await f.escrow(other, 'expireDispute', [sessionId])
    const [event] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'DisputeExpired', logs: receipt.logs })
    expect(event?.args).toEqual({ sessionId, amountToVehicle: claimed })
    expect(await balanceOf(vehicle)).toBe(before + claimed)
  })
})

describe('ERC-20 sessions', () => {
  async function permit(value: bigint, deadline: bigint) {
    const { v, r, s } = await f.signPermit(vehicle, f.contracts.escrow, value, deadline)
    return [deadline, v, r, s] as const
  }
  const openWithPermit = (salt: number, args: readonly unknown[]) =>
    f.send(vehicle, {
      address: f.contracts.escrow,
      abi: escrowAndTokenAbi,
      functionName: 'openSessionWithPermit',
      args: [tokenPile, tokenTerms, toHex(salt, { size: 32 }), deposit, ...args],
    })
  const tokenBalance = (address: Hex) =>
    f.publicClient.readContract({
      address: f.contracts.token,
      abi: demoTokenAbi,
      functionName: 'balanceOf',
      args: [address],
    })

  let tokenTerms: Terms
  beforeAll(async () => {
    tokenTerms = await f.currentTerms(tokenPile)
  })

  it('opens with approve + transferFrom, settles, and withdraws in the token', async () => {
    await expectRevert(
      f.send(vehicle, {
        address: f.contracts.escrow,
        abi: escrowAndTokenAbi,
        functionName: 'openSession',
        args: [tokenPile, tokenTerms, toHex(1, { size: 32 }), deposit],
      }),
      'ERC20InsufficientAllowance',
    )
    await f.token(vehicle, 'approve', [f.contracts.escrow, deposit])
    await expectRevert(
      f.escrow(vehicle, 'openSession', [tokenPile, tokenTerms, toHex(1, { size: 32 }), deposit], 1n),
      'WrongValue',
    )
    const escrowBefore = await tokenBalance(f.contracts.escrow)
    const { session, sessionId } = await f.openSession(vehicle, tokenPile, deposit)
    expect(session.terms.tariff.currency).toBe(f.contracts.token)
    expect(await tokenBalance(f.contracts.escrow)).toBe(escrowBefore + deposit)
    await f.advance(1)
    await f.escrow(
      agent,
      'settleSession',
      await f.settleArgs(vehicle, session, { sessionId, energyWh: 1000n, amount: priceOf(1000n) }),
    )
    expect(await balanceOf(payout, f.contracts.token)).toBe(priceOf(1000n))
    await f.escrow(payout, 'withdraw', [f.contracts.token, payout.address])
    expect(await tokenBalance(payout.address)).toBe(priceOf(1000n))
  })

  it('opens with an EIP-2612 permit, also when a front-runner already used the permit', async () => {
    const args = await permit(deposit, (await f.now()) + 600n)
    await openWithPermit(10, args)
    const args2 = await permit(deposit, (await f.now()) + 600n)
    await f.send(other, {
      address: f.contracts.token,
      abi: demoTokenAbi,
      functionName: 'permit',
      args: [vehicle.address, f.contracts.escrow, deposit, ...args2],
    })
    await openWithPermit(11, args2)
  })

  it('refuses a permit past its deadline, a permit for the native coin, and fee-on-transfer tokens', async () => {
    const expired = await permit(deposit, (await f.now()) - 1n)
    await expectRevert(openWithPermit(12, expired), 'ERC2612ExpiredSignature')
    await expectRevert(
      f.escrow(vehicle, 'openSessionWithPermit', [
        pileId,
        await f.currentTerms(pileId),
        toHex(13, { size: 32 }),
        deposit,
        ...expired,
      ]),
      'NotAToken',
    )

    const feeToken = await f.deploy(feeOnTransferTokenAbi, feeOnTransferTokenBytecode)
    const feePile = await f.registerPile(owner, {
      payout: payout.address,
      agent: agent.address,
      currency: feeToken,
    })
    await f.send(vehicle, {
      address: feeToken,
      abi: feeOnTransferTokenAbi,
      functionName: 'mint',
      args: [vehicle.address, deposit],
    })
    await f.send(vehicle, {
      address: feeToken,
      abi: feeOnTransferTokenAbi,
      functionName: 'approve',
      args: [f.contracts.escrow, deposit],
    })
    await expectRevert(
      f.escrow(vehicle, 'openSession', [
        feePile,
        await f.currentTerms(feePile),
        toHex(14, { size: 32 }),
        deposit,
      ]),
      'UnsupportedToken',
    )
  })
})
