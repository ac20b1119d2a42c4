// The outside review's attacks on settling (contract findings 2, 3 and 6), mounted as the attacker would: a hostile
// agent claiming without the car's voucher, a stolen hot key settling at zero after the owner replaced it, and a
// batch that one bad entry used to block. Each now takes, freezes and loses nothing; balances are checked to the wei.
// Breaks tried, each failing this file: `settleWithClaim` checking the signature only when `amount != 0`
// (finding 2); `_check` allowing the session's own agent and payout whatever the reassignment (finding 3);
// `settleSessions` reverting with `_raise` on a bad entry instead of skipping it (finding 6).
import { type Account, type Hex, parseEther, parseEventLogs, toFunctionSelector, zeroAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionEscrowAbi } from '../src/generated/SessionEscrow.js'
import { NATIVE_CURRENCY, SessionStatus } from '../src/index.js'
import {
  DISPUTE_WINDOW,
  expectRevert,
  type Fixture,
  groupInputs,
  NO_SIGNATURE,
  SETTLE_WINDOW,
  type Session,
  startFixture,
} from './fixture.js'

let f: Fixture
let owner: Account
let agent: Account
let payout: Account
let vehicle: Account
let newAgent: Account
let newOwner: Account
const price = parseEther('0.0003')
const deposit = parseEther('0.05')
const CREDIT_WH = 500
const priceOf = (energyWh: bigint) => (energyWh * price + 999n) / 1000n

beforeAll(async () => {
  f = await startFixture({ accounts: 8 })
  ;[, , owner, agent, payout, vehicle, newAgent, newOwner] = f.accounts as [
    Account,
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

const balanceOf = (account: Account) =>
  f.publicClient.readContract({
    address: f.contracts.escrow,
    abi: sessionEscrowAbi,
    functionName: 'balanceOf',
    args: [account.address, NATIVE_CURRENCY],
  })
const escrowHolds = () => f.publicClient.getBalance({ address: f.contracts.escrow })
const status = (sessionId: Hex) =>
  f.publicClient.readContract({
    address: f.contracts.escrow,
    abi: sessionEscrowAbi,
    functionName: 'getSessionStatus',
    args: [sessionId],
  })
const newPile = () =>
  f.registerPile(owner, {
    payout: payout.address,
    agent: agent.address,
    pricePerKWh: price,
    creditWh: CREDIT_WH,
  })
const refundOnly = (session: Session) => [session, 0n, 0, 0, 0n, NO_SIGNATURE.r, NO_SIGNATURE.vs] as const

describe('finding 2: a claim with no voucher', () => {
  it('a hostile agent cannot claim without the car’s signature, one second after opening or later', async () => {
    const pileId = await newPile()
    const { session, sessionId } = await f.openSession(vehicle, pileId, deposit, { value: deposit })
    await f.advance(1)
    const held = await escrowHolds()
    // The review's attack: no voucher (amount 0, no signature) and an unsigned claim for the whole deposit.
    const wholeDeposit = (deposit * 1000n) / price
    expect(
      await expectRevert(
        f.escrow(agent, 'settleWithClaim', [...refundOnly(session), wholeDeposit, deposit]),
        'ECDSAInvalidSignature',
      ),
    ).toEqual([])
    // A signature by anyone but the car does not do either.
    const forged = await f.settleArgs(agent, session, { sessionId, energyWh: 0n, amount: 0n })
    await expectRevert(f.escrow(agent, 'settleWithClaim', [...forged, 1n, 1n]), 'InvalidVoucherSigner')
    expect(await status(sessionId)).toEqual([SessionStatus.Open, 0n, zeroAddress])
    expect(await escrowHolds()).toBe(held)
    // The car's refund path is untouched: it requests, waits, and gets every wei back.
    const before = await balanceOf(vehicle)
    await f.escrow(vehicle, 'requestRefund', [session])
    await f.advance(SETTLE_WINDOW)
    await f.escrow(vehicle, 'refund', [session])
    expect(await balanceOf(vehicle)).toBe(before + deposit)
  })

  it('with the car’s last voucher, a claim holds at most the credit at the energy price; the rest is the car’s at once', async () => {
    const pileId = await newPile()
    const { session, sessionId } = await f.openSession(vehicle, pileId, deposit, { value: deposit })
    await f.advance(1)
    const voucher = await f.settleArgs(vehicle, session, {
      sessionId,
      energyWh: 1000n,
      amount: priceOf(1000n),
    })
    const credit = BigInt(CREDIT_WH)
    // Claiming the whole deposit's worth of energy is refused.
    const wholeDeposit = (deposit * 1000n) / price
    expect(
      await expectRevert(
        f.escrow(agent, 'settleWithClaim', [...voucher, wholeDeposit, deposit - priceOf(1000n)]),
        'ClaimExceedsCredit',
      ),
    ).toEqual([wholeDeposit - 1000n, credit])
    const [p, v] = [await balanceOf(payout), await balanceOf(vehicle)]
    await f.escrow(agent, 'settleWithClaim', [...voucher, 1000n + credit, priceOf(credit)])
    expect(await balanceOf(payout)).toBe(p + priceOf(1000n))
    expect(await balanceOf(vehicle)).toBe(v + deposit - priceOf(1000n) - priceOf(credit))
    expect(
      await f.publicClient.readContract({
        address: f.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'getDispute',
        args: [sessionId],
      }),
    ).toMatchObject({ held: priceOf(credit) })
    // Undecided, the held credit returns to the car.
    await f.advance(DISPUTE_WINDOW + 1n)
    await f.escrow(vehicle, 'expireDispute', [sessionId])
    expect(await balanceOf(vehicle)).toBe(v + deposit - priceOf(1000n))
  })
})

describe('finding 3: a stolen hot key keeps power over open sessions', () => {
  async function openTwoVouchers() {
    const pileId = await newPile()
    const { session, sessionId } = await f.openSession(vehicle, pileId, deposit, { value: deposit })
    await f.advance(1)
    const stale = await f.settleArgs(vehicle, session, { sessionId, energyWh: 100n, amount: priceOf(100n) })
    const latest = await f.settleArgs(vehicle, session, {
      sessionId,
      energyWh: 9000n,
      amount: priceOf(9000n),
    })
    return { pileId, session, sessionId, stale, latest }
  }

  async function oldKeysFail(session: Session, sessionId: Hex, stale: readonly unknown[]) {
    for (const thief of [agent, payout]) {
      expect(await expectRevert(f.escrow(thief, 'settleSession', refundOnly(session)), 'NotSettler')).toEqual(
        [expect.any(String), thief.address],
      )
      await expectRevert(f.escrow(thief, 'settleSession', stale), 'NotSettler')
      await expectRevert(f.escrow(thief, 'settleWithClaim', [...stale, 200n, 1n]), 'NotSettler')
      const input = await f.settleInput(vehicle, session, { sessionId, energyWh: 0n, amount: 0n })
      const receipt = await f.escrow(thief, 'settleSessions', [groupInputs([input])])
      const [skipped] = parseEventLogs({
        abi: sessionEscrowAbi,
        eventName: 'SettlementSkipped',
        logs: receipt.logs,
      })
      expect(skipped?.args.reason).toBe(toFunctionSelector('NotSettler(bytes32,address)'))
    }
  }

  it('after setAgent + reassignSessions, the old key and the payout can neither settle (at zero or stale) nor claim', async () => {
    const { pileId, session, sessionId, stale, latest } = await openTwoVouchers()
    await f.registry(owner, 'setAgent', [pileId, newAgent.address])
    await expectRevert(f.escrow(newAgent, 'reassignSessions', [[session], newAgent.address]), 'NotPileOwner')
    const receipt = await f.escrow(owner, 'reassignSessions', [[session], newAgent.address])
    const [changed] = parseEventLogs({
      abi: sessionEscrowAbi,
      eventName: 'SessionAgentChanged',
      logs: receipt.logs,
    })
    expect(changed?.args).toEqual({ sessionId, agent: newAgent.address })
    expect(await status(sessionId)).toEqual([SessionStatus.Open, 0n, newAgent.address])

    const held = await escrowHolds()
    await oldKeysFail(session, sessionId, stale)
    expect(await escrowHolds()).toBe(held)
    expect(await status(sessionId)).toEqual([SessionStatus.Open, 0n, newAgent.address])

    const [p, v] = [await balanceOf(payout), await balanceOf(vehicle)]
    await f.escrow(newAgent, 'settleSession', latest)
    expect(await balanceOf(payout)).toBe(p + priceOf(9000n))
    expect(await balanceOf(vehicle)).toBe(v + deposit - priceOf(9000n))
  })

  it('after transferPile, only the new owner reassigns, and then only its agent settles', async () => {
    const { pileId, session, sessionId, stale, latest } = await openTwoVouchers()
    await f.escrow(vehicle, 'requestRefund', [session])
    const refundableAt = (await f.now()) + SETTLE_WINDOW
    await f.registry(owner, 'transferPile', [pileId, newOwner.address, newOwner.address, newAgent.address])
    await expectRevert(f.escrow(owner, 'reassignSessions', [[session], agent.address]), 'NotPileOwner')
    await f.escrow(newOwner, 'reassignSessions', [[session], newAgent.address])
    // The refund request is kept beside the new agent.
    expect(await status(sessionId)).toEqual([SessionStatus.RefundRequested, refundableAt, newAgent.address])
    await oldKeysFail(session, sessionId, stale)
    // The session keeps the payout it was opened with: the new agent settles to it.
    const p = await balanceOf(payout)
    await f.escrow(newAgent, 'settleSession', latest)
    expect(await balanceOf(payout)).toBe(p + priceOf(9000n))
  })

  it('a session the thief settled first is skipped, so the thief cannot make the owner’s reassignment fail', async () => {
    const first = await openTwoVouchers()
    const second = await f.openSession(vehicle, first.pileId, deposit, { value: deposit })
    await f.advance(1)
    await f.escrow(agent, 'settleSession', first.latest)
    const receipt = await f.escrow(owner, 'reassignSessions', [
      [first.session, second.session],
      newAgent.address,
    ])
    const changed = parseEventLogs({
      abi: sessionEscrowAbi,
      eventName: 'SessionAgentChanged',
      logs: receipt.logs,
    })
    expect(changed.map((event) => event.args)).toEqual([
      { sessionId: second.sessionId, agent: newAgent.address },
    ])
    await expectRevert(f.escrow(agent, 'settleSession', refundOnly(second.session)), 'NotSettler')
  })
})

describe('finding 6: one bad entry blocked a whole batch', () => {
  it('a batch with an expired and an already-settled entry settles the good ones and reports the bad', async () => {
    const pileId = await newPile()
    const opened = []
    for (let i = 0; i < 4; i++) opened.push(await f.openSession(vehicle, pileId, deposit, { value: deposit }))
    const [good, expired, settled, alsoGood] = opened as [
      (typeof opened)[0],
      (typeof opened)[0],
      (typeof opened)[0],
      (typeof opened)[0],
    ]
    await f.advance(1)
    await f.escrow(vehicle, 'requestRefund', [expired.session])
    await f.escrow(agent, 'settleSession', refundOnly(settled.session))
    await f.advance(SETTLE_WINDOW)
    const energy = [1000n, 2000n, 3000n, 4000n]
    const inputs = await Promise.all(
      opened.map(({ session, sessionId }, i) => {
        const energyWh = energy[i] ?? 0n
        return f.settleInput(vehicle, session, { sessionId, energyWh, amount: priceOf(energyWh) })
      }),
    )
    const groups = groupInputs(inputs)
    const { result } = await f.publicClient.simulateContract({
      address: f.contracts.escrow,
      abi: sessionEscrowAbi,
      functionName: 'settleSessions',
      args: [groups],
      account: agent,
    })
    expect(result).toEqual([true, false, false, true])

    const [p, v, held] = [await balanceOf(payout), await balanceOf(vehicle), await escrowHolds()]
    const receipt = await f.escrow(agent, 'settleSessions', [groups])
    const events = parseEventLogs({ abi: sessionEscrowAbi, logs: receipt.logs })
    expect(
      events.map((event) => [event.eventName, 'sessionId' in event.args && event.args.sessionId]),
    ).toEqual([
      ['SessionSettled', good.sessionId],
      ['SettlementSkipped', expired.sessionId],
      ['SettlementSkipped', settled.sessionId],
      ['SessionSettled', alsoGood.sessionId],
    ])
    const reasons = parseEventLogs({
      abi: sessionEscrowAbi,
      eventName: 'SettlementSkipped',
      logs: receipt.logs,
    })
    expect(reasons.map((event) => event.args.reason)).toEqual([
      toFunctionSelector('RefundDeadlinePassed(bytes32,uint256)'),
      toFunctionSelector('SessionNotOpen(bytes32)'),
    ])
    const paid = priceOf(1000n) + priceOf(4000n)
    expect(await balanceOf(payout)).toBe(p + paid)
    expect(await balanceOf(vehicle)).toBe(v + 2n * deposit - paid)
    expect(await escrowHolds()).toBe(held)
    // The expired session is still the car's to refund, whole.
    await f.escrow(vehicle, 'refund', [expired.session])
    expect(await balanceOf(vehicle)).toBe(v + 3n * deposit - paid)
  })
})
