import { type Hex, parseEther, toFunctionSelector } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Fixture, startFixture, windows } from '../../../test/fixture.js'
import { signVoucher } from '../../eip712/escrowVoucher.js'
import { toCompactSignature } from '../../eip712/signature.js'
import type { ContractRevertedError } from '../../errors/contract.js'
import {
  SessionConfirmationTimeoutError,
  SessionMismatchError,
  SessionNotFoundError,
} from '../../errors/session.js'
import { defineTerms, type Terms } from '../../terms/terms.js'
import { priceOf } from '../../utils/priceOf.js'
import { tariffCost } from '../../utils/tariffCost.js'
import { hashSession, type Session } from './session.js'

const price = parseEther('0.0003') // per kWh

describe('escrow actions', () => {
  let f: Fixture
  let nativePile: Hex
  let tokenPile: Hex
  let nativeTerms: Terms
  let tokenTerms: Terms
  const addr = (client: Fixture['owner']) => f.localAccount(client).address
  const reason = (error: unknown) => (error as ContractRevertedError).reason

  beforeAll(async () => {
    f = await startFixture()
    nativeTerms = defineTerms({
      payout: addr(f.payout),
      agent: addr(f.agent),
      pricePerKWh: price,
      pricePerMinute: parseEther('0.00002'),
      idlePerMinute: parseEther('0.0001'),
      sessionFee: parseEther('0.0005'),
      creditWh: 1_000,
    })
    tokenTerms = defineTerms({
      payout: addr(f.payout),
      agent: addr(f.agent),
      currency: f.token,
      pricePerKWh: price,
    })
    ;({ pileId: nativePile } = await f.owner.registerPile({ dmid: 'SH-ESC-NATIVE', terms: nativeTerms }))
    ;({ pileId: tokenPile } = await f.owner.registerPile({ dmid: 'SH-ESC-TOKEN', terms: tokenTerms }))
  })
  afterAll(async () => {
    await f?.stop()
  })

  /** Opens, then lets a second pass: the escrow refuses to end a session in the block (second) it was opened in. */
  const open = async (parameters: Parameters<Fixture['vehicle']['openSession']>[0]) => {
    const opened = await f.vehicle.openSession(parameters)
    await f.passTime(1)
    return opened
  }
  const openNative = (deposit: bigint) => open({ pileId: nativePile, terms: nativeTerms, deposit })

  /** The vehicle's voucher for `energyWh` and time at the session's tariff: amount = tariffCost of them. */
  const voucher = async (
    session: Session,
    sessionId: Hex,
    energyWh: bigint,
    { chargingSeconds = 0, idleSeconds = 0, signer = f.vehicle } = {},
  ) => {
    const amount = tariffCost(session.terms.tariff, energyWh, chargingSeconds, idleSeconds)
    const signature = await signVoucher({
      account: f.localAccount(signer),
      chainId: f.deployment.chainId,
      escrow: f.deployment.contracts.sessionEscrow,
      sessionId,
      energyWh,
      chargingSeconds,
      idleSeconds,
      amount,
    })
    return { energyWh, chargingSeconds, idleSeconds, amount, signature }
  }

  it('opens a native session bound to its terms, settles energy and time with a compact voucher, pays out', async () => {
    const deposit = parseEther('0.01')
    const opened = await openNative(deposit)
    expect(opened.session).toMatchObject({
      vehicle: addr(f.vehicle),
      pileId: nativePile,
      terms: nativeTerms,
      deposit,
    })
    expect(hashSession(opened.session)).toBe(opened.sessionId)

    const signed = await voucher(opened.session, opened.sessionId, 12_345n, {
      chargingSeconds: 1_805,
      idleSeconds: 97,
    })
    const payoutBefore = await f.other.balanceOf({ account: addr(f.payout) })
    const vehicleBefore = await f.other.balanceOf({ account: addr(f.vehicle) })
    await f.agent.settleSession({
      session: opened.session,
      ...signed,
      signature: toCompactSignature(signed.signature),
    })
    expect(await f.other.balanceOf({ account: addr(f.payout) })).toBe(payoutBefore + signed.amount)
    expect(await f.other.balanceOf({ account: addr(f.vehicle) })).toBe(
      vehicleBefore + deposit - signed.amount,
    )

    // Rebuilt from the registry's events alone (no transaction hash given).
    const state = await f.other.getSession({ sessionId: opened.sessionId, pileId: nativePile })
    expect(state.session).toEqual(opened.session)
    expect(state.state).toEqual({
      status: 'settled',
      energyWh: 12_345n,
      chargingSeconds: 1_805,
      idleSeconds: 97,
      amount: signed.amount,
      refund: deposit - signed.amount,
      transactionHash: expect.stringMatching(/^0x/),
    })

    const walletBefore = await f.other.getBalance({ address: addr(f.payout) })
    await f.payout.withdraw({ to: addr(f.payout) })
    expect(await f.other.balanceOf({ account: addr(f.payout) })).toBe(0n)
    expect(await f.other.getBalance({ address: addr(f.payout) })).toBeGreaterThan(walletBefore)
  })

  it('refuses to open when the pile’s terms changed since the car read them (TermsChanged)', async () => {
    const { pileId } = await f.owner.registerPile({ dmid: 'SH-ESC-CHANGED', terms: nativeTerms })
    await f.owner.setTariff({ pileId, tariff: { ...nativeTerms.tariff, pricePerKWh: price * 10n } })
    const changed = await f.vehicle
      .openSession({ pileId, terms: nativeTerms, deposit: parseEther('0.01') })
      .catch((e: unknown) => e)
    expect(reason(changed)).toBe('TermsChanged')
    expect((changed as ContractRevertedError).shortMessage).toMatch(/owner changed them/)
  })

  it('opens ERC-20 sessions with a permit, with approve, and from the withdrawable balance', async () => {
    const deposit = parseEther('5')
    const permitted = await open({ pileId: tokenPile, terms: tokenTerms, deposit })
    expect(permitted.session.terms.tariff.currency).toBe(f.token)
    const approved = await open({ pileId: tokenPile, terms: tokenTerms, deposit, payment: 'approve' })
    expect(approved.sessionId).not.toBe(permitted.sessionId)

    // A zero voucher refunds the whole deposit into the vehicle's escrow balance; it can open the next from it.
    await f.agent.settleSession({ session: permitted.session, energyWh: 0n, amount: 0n })
    expect(await f.other.balanceOf({ account: addr(f.vehicle), currency: f.token })).toBe(deposit)
    const fromBalance = await open({ pileId: tokenPile, terms: tokenTerms, deposit, payment: 'balance' })
    expect(fromBalance.session.deposit).toBe(deposit)
    expect(await f.other.balanceOf({ account: addr(f.vehicle), currency: f.token })).toBe(0n)

    const insufficient = await f.vehicle
      .openSession({ pileId: tokenPile, terms: tokenTerms, deposit, payment: 'balance' })
      .catch((e: unknown) => e)
    expect(reason(insufficient)).toBe('InsufficientBalance')
  })

  it('settles a batch in one transaction, skipping and reporting a session already settled', async () => {
    const sessions = []
    for (const i of [1n, 2n, 3n]) sessions.push(await openNative(parseEther('0.001') * i))
    const [first, second, third] = sessions as [
      (typeof sessions)[0],
      (typeof sessions)[0],
      (typeof sessions)[0],
    ]
    await f.agent.settleSession({ session: second.session, energyWh: 0n, amount: 0n })
    const payoutBefore = await f.other.balanceOf({ account: addr(f.payout) })
    const settlements = await Promise.all(
      [first, second, third].map(async ({ session, sessionId }, i) => ({
        session,
        ...(await voucher(session, sessionId, BigInt(100 * (i + 1)))),
      })),
    )
    const result = await f.payout.settleSessions({ settlements })
    expect(result.settled).toEqual([true, false, true])
    expect(result.skipped).toEqual([
      {
        sessionId: second.sessionId,
        reason: toFunctionSelector('SessionNotOpen(bytes32)'),
        error: 'SessionNotOpen',
      },
    ])
    const paid = (settlements[0]?.amount ?? 0n) + (settlements[2]?.amount ?? 0n)
    expect(await f.other.balanceOf({ account: addr(f.payout) })).toBe(payoutBefore + paid)
    for (const { sessionId } of [first, third])
      expect((await f.other.getSession({ sessionId, vehicle: addr(f.vehicle) })).state.status).toBe('settled')
  })

  it('refunds after a refund request and the settle window', async () => {
    const deposit = parseEther('0.002')
    const { session, sessionId } = await openNative(deposit)
    const early = await f.vehicle.refund({ session }).catch((e: unknown) => e)
    expect(reason(early)).toBe('RefundNotRequested')
    await f.vehicle.requestRefund({ session })
    const requested = await f.other.getSession({ sessionId, pileId: nativePile })
    expect(requested.state.status).toBe('refundRequested')
    const tooSoon = await f.vehicle.refund({ session }).catch((e: unknown) => e)
    expect(reason(tooSoon)).toBe('RefundNotYetAvailable')
    expect((tooSoon as ContractRevertedError).shortMessage).toMatch(/settle window has not ended/)

    await f.passTime(windows.settleWindow + 1)
    const late = await f.agent.settleSession({ session, energyWh: 0n, amount: 0n }).catch((e: unknown) => e)
    expect(reason(late)).toBe('RefundDeadlinePassed')
    const before = await f.other.balanceOf({ account: addr(f.vehicle) })
    await f.vehicle.refund({ session })
    expect(await f.other.balanceOf({ account: addr(f.vehicle) })).toBe(before + deposit)
    expect((await f.other.getSession({ sessionId, pileId: nativePile })).state).toMatchObject({
      status: 'refunded',
      amount: deposit,
    })
  })

  it('holds a claim up to the credit for the arbiter, who decides it; an undecided one expires back', async () => {
    const deposit = parseEther('0.01')
    const extraWh = BigInt(nativeTerms.creditWh)
    const claimedAmount = priceOf(extraWh, price)
    const claim = async () => {
      const { session, sessionId } = await openNative(deposit)
      const signed = await voucher(session, sessionId, 5_000n)
      await f.agent.settleWithClaim({ session, ...signed, claimedEnergyWh: 5_000n + extraWh, claimedAmount })
      return sessionId
    }

    const decided = await claim()
    const notArbiter = await f.other
      .decideDispute({ sessionId: decided, amountToPile: 1n })
      .catch((e: unknown) => e)
    expect(reason(notArbiter)).toBe('NotArbiter')
    const payoutBefore = await f.other.balanceOf({ account: addr(f.payout) })
    await f.arbiter.decideDispute({ sessionId: decided, amountToPile: claimedAmount / 2n })
    expect(await f.other.balanceOf({ account: addr(f.payout) })).toBe(payoutBefore + claimedAmount / 2n)

    const expired = await claim()
    const stillOpen = await f.other.expireDispute({ sessionId: expired }).catch((e: unknown) => e)
    expect(reason(stillOpen)).toBe('DisputeStillOpen')
    await f.passTime(windows.disputeWindow + 1)
    const vehicleBefore = await f.other.balanceOf({ account: addr(f.vehicle) })
    await f.other.expireDispute({ sessionId: expired })
    expect(await f.other.balanceOf({ account: addr(f.vehicle) })).toBe(vehicleBefore + claimedAmount)

    const { session, sessionId } = await openNative(deposit)
    const signed = await voucher(session, sessionId, 5_000n)
    const beyondCredit = await f.agent
      .settleWithClaim({ session, ...signed, claimedEnergyWh: 5_001n + extraWh, claimedAmount: 1n })
      .catch((e: unknown) => e)
    expect(reason(beyondCredit)).toBe('ClaimExceedsCredit')
  })

  it('moves open sessions to a new agent: the old key is refused, the new one settles', async () => {
    const { session, sessionId } = await openNative(parseEther('0.002'))
    await f.owner.setAgent({ pileId: nativePile, agent: addr(f.other) })
    const notOwner = await f.agent
      .reassignSessions({ sessions: [session], agent: addr(f.agent) })
      .catch((e: unknown) => e)
    expect(reason(notOwner)).toBe('NotPileOwner')
    const { reassigned } = await f.owner.reassignSessions({ sessions: [session], agent: addr(f.other) })
    expect(reassigned).toEqual([sessionId])
    expect((await f.other.getSession({ sessionId, pileId: nativePile })).reassignedAgent).toBe(addr(f.other))
    const stolen = await f.agent.settleSession({ session, energyWh: 0n, amount: 0n }).catch((e: unknown) => e)
    expect(reason(stolen)).toBe('NotSettler')
    await f.other.settleSession({ session, ...(await voucher(session, sessionId, 10n)) })
    await f.owner.setAgent({ pileId: nativePile, agent: addr(f.agent) })
  })

  it('refuses bad vouchers and settlers with typed errors', async () => {
    const { session, sessionId } = await openNative(parseEther('0.001'))
    const forged = await voucher(session, sessionId, 1_000n, { signer: f.other })
    const wrongSigner = await f.agent.settleSession({ session, ...forged }).catch((e: unknown) => e)
    expect(reason(wrongSigner)).toBe('InvalidVoucherSigner')
    const signed = await voucher(session, sessionId, 1_000n)
    const overPrice = await f.agent
      .settleSession({ session, ...signed, energyWh: 1n })
      .catch((e: unknown) => e)
    expect(reason(overPrice)).toBe('VoucherExceedsPrice')
    const byVehicle = await f.vehicle.settleSession({ session, ...signed }).catch((e: unknown) => e)
    expect(reason(byVehicle)).toBe('NotSettler')
    const notVehicle = await f.other.requestRefund({ session }).catch((e: unknown) => e)
    expect(reason(notVehicle)).toBe('NotVehicle')
    const nothing = await f.other.withdraw({}).catch((e: unknown) => e)
    expect(reason(nothing)).toBe('NothingToWithdraw')
  })

  it('waits for a session and checks it is the one the pile offered', async () => {
    const deposit = parseEther('0.003')
    const { sessionId, hash } = await openNative(deposit)
    const { session } = await f.agent.waitForSession({
      sessionId,
      transactionHash: hash,
      confirmations: 1,
      expect: { pileId: nativePile, terms: nativeTerms, minDeposit: deposit },
    })
    expect(session.deposit).toBe(deposit)

    const mismatch = async (expected: Parameters<Fixture['agent']['waitForSession']>[0]['expect']) => {
      const error = await f.agent
        .waitForSession({ sessionId, transactionHash: hash, expect: expected })
        .catch((e: unknown) => e)
      if (!(error instanceof SessionMismatchError)) throw new Error('expected a SessionMismatchError')
      return error.field
    }
    expect(await mismatch({ pileId: tokenPile })).toBe('pileId')
    expect(await mismatch({ minDeposit: deposit + 1n })).toBe('deposit')
    expect(await mismatch({ terms: { ...nativeTerms, agent: addr(f.other) } })).toBe('agent')
    const cheaper = { ...nativeTerms.tariff, idlePerMinute: nativeTerms.tariff.idlePerMinute - 1n }
    expect(await mismatch({ terms: { ...nativeTerms, tariff: cheaper } })).toBe('idlePerMinute')
    expect(await mismatch({ terms: { ...nativeTerms, creditWh: 1 } })).toBe('creditWh')

    // No blocks are mined on top: a deeper confirmation requirement times out, retryably.
    const unconfirmed = await f.agent
      .waitForSession({ sessionId, transactionHash: hash, confirmations: 50, timeout: 300 })
      .catch((e: unknown) => e)
    expect(unconfirmed).toBeInstanceOf(SessionConfirmationTimeoutError)
    expect((unconfirmed as SessionConfirmationTimeoutError).retryable).toBe(true)

    const [found] = await f.other.findSessions({ vehicle: addr(f.vehicle), salt: session.salt })
    expect(found).toEqual({ sessionId, session, openedInTransaction: hash })
    expect(await f.other.findSessions({ vehicle: addr(f.other) })).toEqual([])

    const unknown = await f.agent
      .getSession({ sessionId: `0x${'ab'.repeat(32)}`, pileId: nativePile })
      .catch((e: unknown) => e)
    expect(unknown).toBeInstanceOf(SessionNotFoundError)
  })
})
