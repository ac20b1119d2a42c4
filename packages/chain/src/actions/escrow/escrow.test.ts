import { type Hex, parseEther, zeroAddress } from 'viem'
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
import { pileIdFromDmid } from '../../utils/pileIdFromDmid.js'
import { priceOf } from '../../utils/priceOf.js'
import { hashSession, type Session } from './session.js'

const price = parseEther('0.0003') // per kWh

describe('escrow actions', () => {
  let f: Fixture
  const nativePile = pileIdFromDmid('SH-ESC-NATIVE')
  const tokenPile = pileIdFromDmid('SH-ESC-TOKEN')
  const addr = (client: Fixture['owner']) => client.account!.address
  const reason = (error: unknown) => (error as ContractRevertedError).reason

  beforeAll(async () => {
    f = await startFixture()
    await f.owner.registerPile({
      pileId: nativePile,
      payout: addr(f.payout),
      agent: addr(f.agent),
      pricePerKWh: price,
    })
    await f.owner.registerPile({
      pileId: tokenPile,
      payout: addr(f.payout),
      agent: addr(f.agent),
      currency: f.token,
      pricePerKWh: price,
    })
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

  const voucher = (session: Session, sessionId: Hex, energyWh: bigint, signer = f.vehicle) =>
    signVoucher({
      account: f.localAccount(signer),
      chainId: f.deployment.chainId,
      escrow: f.deployment.contracts.sessionEscrow,
      sessionId,
      energyWh,
      amount: priceOf(energyWh, session.pricePerKWh),
    })

  it('opens a native session, settles it with a compact voucher, and pays out through withdraw', async () => {
    const deposit = parseEther('0.01')
    const opened = await open({ pileId: nativePile, deposit })
    expect(opened.session).toMatchObject({
      vehicle: addr(f.vehicle),
      pileId: nativePile,
      payout: addr(f.payout),
      agent: addr(f.agent),
      currency: zeroAddress,
      pricePerKWh: price,
      deposit,
    })
    expect(hashSession(opened.session)).toBe(opened.sessionId)

    const energyWh = 12_345n
    const amount = priceOf(energyWh, price)
    const signature = toCompactSignature(await voucher(opened.session, opened.sessionId, energyWh))
    const payoutBefore = await f.other.balanceOf({ account: addr(f.payout) })
    const vehicleBefore = await f.other.balanceOf({ account: addr(f.vehicle) })
    await f.agent.settleSession({ session: opened.session, energyWh, amount, signature })
    expect(await f.other.balanceOf({ account: addr(f.payout) })).toBe(payoutBefore + amount)
    expect(await f.other.balanceOf({ account: addr(f.vehicle) })).toBe(vehicleBefore + deposit - amount)

    const state = await f.other.getSession({ sessionId: opened.sessionId, pileId: nativePile })
    expect(state.state).toEqual({
      status: 'settled',
      energyWh,
      amount,
      refund: deposit - amount,
      transactionHash: expect.stringMatching(/^0x/),
    })

    const walletBefore = await f.other.getBalance({ address: addr(f.payout) })
    await f.payout.withdraw({ to: addr(f.payout) })
    expect(await f.other.balanceOf({ account: addr(f.payout) })).toBe(0n)
    expect(await f.other.getBalance({ address: addr(f.payout) })).toBeGreaterThan(walletBefore)
  })

  it('opens ERC-20 sessions with a permit, with approve, and from the withdrawable balance', async () => {
    const deposit = parseEther('5')
    const permitted = await open({ pileId: tokenPile, deposit })
    expect(permitted.session.currency).toBe(f.token)
    const approved = await open({ pileId: tokenPile, deposit, payment: 'approve' })
    expect(approved.sessionId).not.toBe(permitted.sessionId)

    // A zero voucher refunds the whole deposit into the vehicle's escrow balance; it can open the next from it.
    await f.agent.settleSession({ session: permitted.session, energyWh: 0n, amount: 0n })
    expect(await f.other.balanceOf({ account: addr(f.vehicle), currency: f.token })).toBe(deposit)
    const fromBalance = await open({ pileId: tokenPile, deposit, payment: 'balance' })
    expect(fromBalance.session.deposit).toBe(deposit)
    expect(await f.other.balanceOf({ account: addr(f.vehicle), currency: f.token })).toBe(0n)

    const insufficient = await f.vehicle
      .openSession({ pileId: tokenPile, deposit, payment: 'balance' })
      .catch((e: unknown) => e)
    expect(reason(insufficient)).toBe('InsufficientBalance')
  })

  it('settles a batch in one transaction', async () => {
    const sessions = []
    for (const i of [1n, 2n, 3n])
      sessions.push(await open({ pileId: nativePile, deposit: parseEther('0.001') * i }))
    const payoutBefore = await f.other.balanceOf({ account: addr(f.payout) })
    const settlements = await Promise.all(
      sessions.map(async ({ session, sessionId }, i) => {
        const energyWh = BigInt(1000 * (i + 1))
        return {
          session,
          energyWh,
          amount: priceOf(energyWh, price),
          signature: await voucher(session, sessionId, energyWh),
        }
      }),
    )
    const { receipt } = await f.payout.settleSessions({ settlements })
    expect(receipt.status).toBe('success')
    const total = settlements.reduce((sum, s) => sum + s.amount, 0n)
    expect(await f.other.balanceOf({ account: addr(f.payout) })).toBe(payoutBefore + total)
    for (const { sessionId } of sessions)
      expect((await f.other.getSession({ sessionId, vehicle: addr(f.vehicle) })).state.status).toBe('settled')
  })

  it('refunds after a refund request and the settle window', async () => {
    const deposit = parseEther('0.002')
    const { session, sessionId } = await open({ pileId: nativePile, deposit })
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

  it('holds a claim for the arbiter, who decides it; an undecided one expires back to the vehicle', async () => {
    const deposit = parseEther('0.01')
    const energyWh = 5_000n
    const claimedEnergyWh = 20_000n
    const amount = priceOf(energyWh, price)
    const claimedAmount = priceOf(claimedEnergyWh, price) - amount

    const decided = await open({ pileId: nativePile, deposit })
    await f.agent.settleWithClaim({
      session: decided.session,
      energyWh,
      amount,
      signature: await voucher(decided.session, decided.sessionId, energyWh),
      claimedEnergyWh,
      claimedAmount,
    })
    const notArbiter = await f.other
      .decideDispute({ sessionId: decided.sessionId, amountToPile: 1n })
      .catch((e: unknown) => e)
    expect(reason(notArbiter)).toBe('NotArbiter')
    const payoutBefore = await f.other.balanceOf({ account: addr(f.payout) })
    await f.arbiter.decideDispute({ sessionId: decided.sessionId, amountToPile: claimedAmount / 2n })
    expect(await f.other.balanceOf({ account: addr(f.payout) })).toBe(payoutBefore + claimedAmount / 2n)

    const expired = await open({ pileId: nativePile, deposit })
    await f.agent.settleWithClaim({
      session: expired.session,
      energyWh,
      amount,
      signature: await voucher(expired.session, expired.sessionId, energyWh),
      claimedEnergyWh,
      claimedAmount,
    })
    const stillOpen = await f.other.expireDispute({ sessionId: expired.sessionId }).catch((e: unknown) => e)
    expect(reason(stillOpen)).toBe('DisputeStillOpen')
    await f.passTime(windows.disputeWindow + 1)
    const vehicleBefore = await f.other.balanceOf({ account: addr(f.vehicle) })
    await f.other.expireDispute({ sessionId: expired.sessionId })
    expect(await f.other.balanceOf({ account: addr(f.vehicle) })).toBe(vehicleBefore + claimedAmount)

    const overClaim = await open({ pileId: nativePile, deposit })
    const tooMuch = await f.agent
      .settleWithClaim({
        session: overClaim.session,
        energyWh,
        amount,
        signature: await voucher(overClaim.session, overClaim.sessionId, energyWh),
        claimedEnergyWh: energyWh,
        claimedAmount: 1n,
      })
      .catch((e: unknown) => e)
    expect(reason(tooMuch)).toBe('ClaimExceedsPrice')
  })

  it('refuses bad vouchers and settlers with typed errors', async () => {
    const { session, sessionId } = await open({ pileId: nativePile, deposit: parseEther('0.001') })
    const energyWh = 1_000n
    const amount = priceOf(energyWh, price)
    const forged = await voucher(session, sessionId, energyWh, f.other)

    const wrongSigner = await f.agent
      .settleSession({ session, energyWh, amount, signature: forged })
      .catch((e: unknown) => e)
    expect(reason(wrongSigner)).toBe('InvalidVoucherSigner')
    const overPrice = await f.agent
      .settleSession({
        session,
        energyWh: 1n,
        amount,
        signature: await voucher(session, sessionId, energyWh),
      })
      .catch((e: unknown) => e)
    expect(reason(overPrice)).toBe('VoucherExceedsPrice')
    const byVehicle = await f.vehicle
      .settleSession({ session, energyWh, amount, signature: await voucher(session, sessionId, energyWh) })
      .catch((e: unknown) => e)
    expect(reason(byVehicle)).toBe('NotSettler')
    const notVehicle = await f.other.requestRefund({ session }).catch((e: unknown) => e)
    expect(reason(notVehicle)).toBe('NotVehicle')
    const nothing = await f.other.withdraw({}).catch((e: unknown) => e)
    expect(reason(nothing)).toBe('NothingToWithdraw')
  })

  it('waits for a session and checks it is the one the pile offered', async () => {
    const deposit = parseEther('0.003')
    const { sessionId, hash } = await open({ pileId: nativePile, deposit })
    const { session } = await f.agent.waitForSession({
      sessionId,
      transactionHash: hash,
      confirmations: 1,
      expect: { pileId: nativePile, agent: addr(f.agent), pricePerKWh: price, minDeposit: deposit },
    })
    expect(session.deposit).toBe(deposit)

    const wrongPile = await f.agent
      .waitForSession({ sessionId, transactionHash: hash, expect: { pileId: tokenPile } })
      .catch((e: unknown) => e)
    expect(wrongPile).toBeInstanceOf(SessionMismatchError)
    expect((wrongPile as SessionMismatchError).field).toBe('pileId')
    const small = await f.agent
      .waitForSession({ sessionId, transactionHash: hash, expect: { minDeposit: deposit + 1n } })
      .catch((e: unknown) => e)
    expect((small as SessionMismatchError).field).toBe('deposit')
    const otherAgent = await f.agent
      .waitForSession({ sessionId, transactionHash: hash, expect: { agent: addr(f.other) } })
      .catch((e: unknown) => e)
    expect((otherAgent as SessionMismatchError).field).toBe('agent')

    // No blocks are mined on top: a deeper confirmation requirement times out, retryably.
    const unconfirmed = await f.agent
      .waitForSession({ sessionId, transactionHash: hash, confirmations: 50, timeout: 300 })
      .catch((e: unknown) => e)
    expect(unconfirmed).toBeInstanceOf(SessionConfirmationTimeoutError)
    expect((unconfirmed as SessionConfirmationTimeoutError).retryable).toBe(true)

    const [found] = await f.other.findSessions({ vehicle: addr(f.vehicle), salt: session.salt })
    expect(found).toMatchObject({ sessionId, openedInTransaction: hash })
    expect(await f.other.findSessions({ vehicle: addr(f.other) })).toEqual([])

    const unknown = await f.agent
      .getSession({ sessionId: `0x${'ab'.repeat(32)}`, pileId: nativePile })
      .catch((e: unknown) => e)
    expect(unknown).toBeInstanceOf(SessionNotFoundError)
  })
})
