import {
  type Account,
  type Hex,
  parseEther,
  parseEventLogs,
  toFunctionSelector,
  toHex,
  zeroAddress,
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionEscrowAbi } from '../src/generated/SessionEscrow.js'
import { NATIVE_CURRENCY, SessionStatus } from '../src/index.js'
import {
  compact,
  costOf,
  eventIn,
  expectRevert,
  type Fixture,
  groupInputs,
  hashTerms,
  NO_SIGNATURE,
  SETTLE_WINDOW,
  type Session,
  startFixture,
  type Voucher,
} from './fixture.js'

let f: Fixture
let owner: Account
let agent: Account
let payout: Account
let vehicle: Account
let other: Account
let pileId: Hex
const price = parseEther('0.0003') // per kWh
const deposit = parseEther('0.05')

beforeAll(async () => {
  f = await startFixture({ accounts: 8 })
  ;[, , owner, agent, payout, vehicle, other] = f.accounts as Account[] as [
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
  ]
  pileId = await f.registerPile(owner, { payout: payout.address, agent: agent.address, pricePerKWh: price })
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
const priceOf = (energyWh: bigint) => (energyWh * price + 999n) / 1000n
const open = [SessionStatus.Open, 0n, zeroAddress] as const
const none = [SessionStatus.None, 0n, zeroAddress] as const

async function openAndWait(from = vehicle, amount = deposit) {
  const opened = await f.openSession(from, pileId, amount, { value: amount })
  await f.advance(1)
  return opened
}

async function settle(session: Session, sessionId: Hex, energyWh: bigint, amount: bigint, by = agent) {
  return f.escrow(by, 'settleSession', await f.settleArgs(vehicle, session, { sessionId, energyWh, amount }))
}

describe('openSession', () => {
  it('binds the terms the car states, emits their hash, and the id is the hash of the session', async () => {
    const terms = await f.currentTerms(pileId)
    const { session, sessionId, receipt } = await f.openSession(vehicle, pileId, deposit, { value: deposit })
    const block = await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })
    expect(session).toEqual({
      vehicle: vehicle.address,
      pileId,
      terms,
      deposit,
      openedAt: Number(block.timestamp),
      salt: session.salt,
    })
    const [event] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionOpened', logs: receipt.logs })
    expect(event?.args).toEqual({
      sessionId,
      pileId,
      vehicle: vehicle.address,
      termsHash: hashTerms(terms),
      deposit,
      openedAt: Number(block.timestamp),
      salt: session.salt,
    })
    expect(await read('hashSession', [session])).toBe(sessionId)
    expect(await read('getSessionStatus', [sessionId])).toEqual(open)
  })

  it('keeps the tariff a session was opened with when the owner changes it', async () => {
    const pile = await f.registerPile(owner, {
      payout: payout.address,
      agent: agent.address,
      pricePerKWh: 1000n,
    })
    const { session, sessionId } = await f.openSession(vehicle, pile, 10_000n, { value: 10_000n })
    await f.registry(owner, 'setTariff', [pile, { ...session.terms.tariff, pricePerKWh: 5000n }])
    await f.advance(1)
    // 3 Wh at the opening price of 1000/kWh is 3; at the new price it would be 15.
    await expectRevert(settle(session, sessionId, 3n, 15n), 'VoucherExceedsPrice')
    await settle(session, sessionId, 3n, 3n)
  })

  it('refuses terms other than the pile’s, a wrong value, a zero deposit, an unknown pile and an identical session in the same block', async () => {
    const salt = toHex('s', { size: 32 })
    const terms = await f.currentTerms(pileId)
    const cheaper = { ...terms, tariff: { ...terms.tariff, pricePerKWh: price - 1n } }
    expect(
      await expectRevert(
        f.escrow(vehicle, 'openSession', [pileId, cheaper, salt, deposit], deposit),
        'TermsChanged',
      ),
    ).toEqual([pileId, hashTerms(cheaper), hashTerms(terms)])
    await expectRevert(
      f.escrow(vehicle, 'openSession', [pileId, terms, salt, deposit], deposit - 1n),
      'WrongValue',
    )
    await expectRevert(f.escrow(vehicle, 'openSession', [pileId, terms, salt, 0n], 0n), 'ZeroAmount')
    await expectRevert(
      f.escrow(vehicle, 'openSession', [toHex('nope', { size: 32 }), terms, salt, deposit], deposit),
      'UnknownPile',
    )

    await f.testClient.setAutomine(false)
    try {
      const call = {
        address: f.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'openSession',
        args: [pileId, terms, salt, deposit],
        value: deposit,
        account: vehicle,
        chain: f.chain,
      } as const
      await f.publicClient.simulateContract(call)
      const wallet = (await import('viem')).createWalletClient({
        account: vehicle,
        chain: f.chain,
        transport: (await import('viem')).http(f.devChain.rpcUrl),
      })
      await wallet.writeContract(call)
      await expectRevert(f.publicClient.simulateContract({ ...call, blockTag: 'pending' }), 'SessionExists')
    } finally {
      await f.testClient.mine({ blocks: 1 })
      await f.testClient.setAutomine(true)
    }
  })
})

describe('settleSession', () => {
  it('credits the amount to the payout and the rest to the vehicle, once', async () => {
    const { session, sessionId } = await openAndWait()
    const [payoutBefore, vehicleBefore] = [await balanceOf(payout), await balanceOf(vehicle)]
    const amount = priceOf(12_345n)
    const receipt = await settle(session, sessionId, 12_345n, amount)
    const [event] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionSettled', logs: receipt.logs })
    expect(event?.args).toEqual({
      sessionId,
      energyWh: 12_345n,
      chargingSeconds: 0,
      idleSeconds: 0,
      amount,
      refund: deposit - amount,
    })
    expect(await balanceOf(payout)).toBe(payoutBefore + amount)
    expect(await balanceOf(vehicle)).toBe(vehicleBefore + deposit - amount)
    expect(await read('getSessionStatus', [sessionId])).toEqual(none)
    await expectRevert(settle(session, sessionId, 12_345n, amount), 'SessionNotOpen')
    await expectRevert(f.escrow(vehicle, 'requestRefund', [session]), 'SessionNotOpen')
  })

  it('lets the payout settle too, and treats amount 0 with a zero signature as a full refund', async () => {
    const { session, sessionId } = await openAndWait()
    const before = await balanceOf(vehicle)
    await f.escrow(payout, 'settleSession', [session, 0n, 0, 0, 0n, NO_SIGNATURE.r, NO_SIGNATURE.vs])
    expect(await balanceOf(vehicle)).toBe(before + deposit)
    expect(await read('getSessionStatus', [sessionId])).toEqual(none)
  })

  it('refuses the vehicle and strangers as settlers', async () => {
    const { session, sessionId } = await openAndWait()
    const args = await f.settleArgs(vehicle, session, { sessionId, energyWh: 1000n, amount: priceOf(1000n) })
    await expectRevert(f.escrow(vehicle, 'settleSession', args), 'NotSettler')
    await expectRevert(f.escrow(other, 'settleSession', args), 'NotSettler')
  })

  it('refuses vouchers above the deposit or the price, signed by someone else, malformed, or a tampered session', async () => {
    const { session, sessionId } = await openAndWait()
    await expectRevert(settle(session, sessionId, 10n ** 9n, deposit + 1n), 'VoucherExceedsDeposit')
    expect(
      await expectRevert(settle(session, sessionId, 1000n, priceOf(1000n) + 1n), 'VoucherExceedsPrice'),
    ).toEqual([priceOf(1000n) + 1n, priceOf(1000n)])
    const voucher = { sessionId, energyWh: 1000n, amount: priceOf(1000n) }
    const forged = await f.settleArgs(other, session, voucher)
    expect(await expectRevert(f.escrow(agent, 'settleSession', forged), 'InvalidVoucherSigner')).toEqual([
      other.address,
      vehicle.address,
    ])
    // A different signed amount than the one submitted recovers another address.
    const { r, vs } = compact(await f.signVoucher(vehicle, { ...voucher, amount: 1n }))
    await expectRevert(
      f.escrow(agent, 'settleSession', [session, 1000n, 0, 0, priceOf(1000n), r, vs]),
      'InvalidVoucherSigner',
    )
    await expectRevert(
      f.escrow(agent, 'settleSession', [session, 1000n, 0, 0, 1n, NO_SIGNATURE.r, NO_SIGNATURE.vs]),
      'ECDSAInvalidSignature',
    )
    // An s above half the curve order (the malleable half) is refused whatever it recovers to. The malleable twin
    // n - s of a valid signature is almost always 2^255 or more, which the compact form cannot even carry.
    const valid = compact(await f.signVoucher(vehicle, voucher))
    const halfOrder = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n
    const highS = toHex((BigInt(valid.vs) & (1n << 255n)) | (halfOrder + 1n), { size: 32 })
    expect(
      await expectRevert(
        f.escrow(agent, 'settleSession', [session, 1000n, 0, 0, priceOf(1000n), valid.r, highS]),
        'ECDSAInvalidSignatureS',
      ),
    ).toEqual([toHex(halfOrder + 1n, { size: 32 })])
    const tampered = { ...session, deposit: session.deposit * 2n }
    await expectRevert(settle(tampered, sessionId, 1000n, 1n), 'SessionNotOpen')
  })

  it('settles in the second the session was opened in, and that session id can never be opened again', async () => {
    // Every block in the same second, as when a session ends at once on a fast chain.
    await f.testClient.request({ method: 'anvil_setBlockTimestampInterval' as never, params: [0] as never })
    try {
      const { session, sessionId, receipt } = await f.openSession(vehicle, pileId, deposit, {
        value: deposit,
      })
      const settled = await settle(session, sessionId, 1000n, priceOf(1000n))
      const [opened, closed] = await Promise.all([
        f.publicClient.getBlock({ blockNumber: receipt.blockNumber }),
        f.publicClient.getBlock({ blockNumber: settled.blockNumber }),
      ])
      expect(closed.timestamp).toBe(opened.timestamp)
      expect(await read('getSessionStatus', [sessionId])).toEqual(none)
      await expectRevert(settle(session, sessionId, 1000n, priceOf(1000n)), 'SessionNotOpen')
      await expectRevert(
        f.escrow(vehicle, 'openSession', [session.pileId, session.terms, session.salt, deposit], deposit),
        'SessionExists',
      )
    } finally {
      await f.testClient.request({
        method: 'anvil_removeBlockTimestampInterval' as never,
        params: [] as never,
      })
    }
  })
})

describe('tariffs', () => {
  const tariff = {
    currency: NATIVE_CURRENCY,
    pricePerKWh: 3_000_001n,
    pricePerMinute: 7_000_003n,
    idlePerMinute: 11_000_007n,
    sessionFee: 5n,
  }

  it('tariffCost rounds once, up, over energy, charging time and idle time, plus the session fee', async () => {
    const cases: [bigint, number, number][] = [
      [0n, 0, 0],
      [1n, 0, 0],
      [0n, 1, 0],
      [12_345n, 1_801, 0],
      [12_345n, 1_801, 301],
      [2n ** 64n - 1n, 2 ** 32 - 1, 2 ** 32 - 1],
    ]
    for (const [energyWh, chargingSeconds, idleSeconds] of cases) {
      const cost = await read<bigint>('tariffCost', [tariff, energyWh, chargingSeconds, idleSeconds])
      expect(cost).toBe(costOf(tariff, energyWh, chargingSeconds, idleSeconds))
    }
    // 1 Wh at 3,000,001 per kWh is 3,000.001, rounded up to 3,001; plus the fee.
    expect(await read('tariffCost', [tariff, 1n, 0, 0])).toBe(3_001n + 5n)
  })

  it('pays a voucher for energy and time up to the tariff’s cost to the wei, and refuses one wei more', async () => {
    const pile = await f.registerPile(owner, { payout: payout.address, agent: agent.address, ...tariff })
    const timed = await f.openSession(vehicle, pile, deposit, { value: deposit })
    await f.advance(1)
    const voucher: Voucher = {
      sessionId: timed.sessionId,
      energyWh: 20_000n,
      chargingSeconds: 1_805,
      idleSeconds: 97,
      amount: costOf(tariff, 20_000n, 1_805, 97),
    }
    await expectRevert(
      f.escrow(
        agent,
        'settleSession',
        await f.settleArgs(vehicle, timed.session, { ...voucher, amount: voucher.amount + 1n }),
      ),
      'VoucherExceedsPrice',
    )
    const [p, v] = [await balanceOf(payout), await balanceOf(vehicle)]
    const receipt = await f.escrow(
      agent,
      'settleSession',
      await f.settleArgs(vehicle, timed.session, voucher),
    )
    const [event] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionSettled', logs: receipt.logs })
    expect(event?.args).toEqual({
      sessionId: timed.sessionId,
      energyWh: 20_000n,
      chargingSeconds: 1_805,
      idleSeconds: 97,
      amount: voucher.amount,
      refund: deposit - voucher.amount,
    })
    expect(await balanceOf(payout)).toBe(p + voucher.amount)
    expect(await balanceOf(vehicle)).toBe(v + deposit - voucher.amount)
  })
})

describe('settleSessions', () => {
  it('settles many sessions in groups, crediting each group’s payout once', async () => {
    const payout2 = other
    const pile2 = await f.registerPile(owner, {
      payout: payout2.address,
      agent: agent.address,
      pricePerKWh: price,
    })
    const opened = [
      await f.openSession(vehicle, pileId, deposit, { value: deposit }),
      await f.openSession(vehicle, pileId, deposit, { value: deposit }),
      await f.openSession(vehicle, pile2, deposit, { value: deposit }),
    ]
    await f.advance(1)
    const energy = [1000n, 3000n, 2000n]
    const inputs = await Promise.all(
      opened.map(({ session, sessionId }, i) => {
        const energyWh = energy[i] ?? 0n
        return f.settleInput(vehicle, session, { sessionId, energyWh, amount: priceOf(energyWh) })
      }),
    )
    const groups = groupInputs(inputs)
    expect(groups.map((group) => group.entries.length)).toEqual([2, 1])
    const [p1, p2, v] = [await balanceOf(payout), await balanceOf(payout2), await balanceOf(vehicle)]
    const { result } = await f.publicClient.simulateContract({
      address: f.contracts.escrow,
      abi: sessionEscrowAbi,
      functionName: 'settleSessions',
      args: [groups],
      account: agent,
    })
    expect(result).toEqual([true, true, true])
    const receipt = await f.escrow(agent, 'settleSessions', [groups])
    expect(
      parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionSettled', logs: receipt.logs }).map(
        (event) => event.args.sessionId,
      ),
    ).toEqual(opened.map(({ sessionId }) => sessionId))
    expect(await balanceOf(payout)).toBe(p1 + priceOf(1000n) + priceOf(3000n))
    expect(await balanceOf(payout2)).toBe(p2 + priceOf(2000n))
    expect(await balanceOf(vehicle)).toBe(v + 3n * deposit - priceOf(1000n) - priceOf(2000n) - priceOf(3000n))
  })

  it('refuses an empty batch, and skips a session that is not the caller’s', async () => {
    await expectRevert(f.escrow(agent, 'settleSessions', [[]]), 'EmptyBatch')
    const terms = await f.currentTerms(pileId)
    await expectRevert(f.escrow(agent, 'settleSessions', [[{ pileId, terms, entries: [] }]]), 'EmptyBatch')
    const foreignPile = await f.registerPile(owner, {
      payout: other.address,
      agent: other.address,
      pricePerKWh: price,
    })
    const mine = await f.openSession(vehicle, pileId, deposit, { value: deposit })
    const foreign = await f.openSession(vehicle, foreignPile, deposit, { value: deposit })
    await f.advance(1)
    const inputs = await Promise.all(
      [foreign, mine].map(({ session, sessionId }) =>
        f.settleInput(vehicle, session, { sessionId, energyWh: 0n, amount: 0n }),
      ),
    )
    const v = await balanceOf(vehicle)
    const receipt = await f.escrow(agent, 'settleSessions', [groupInputs(inputs)])
    const [skipped] = parseEventLogs({
      abi: sessionEscrowAbi,
      eventName: 'SettlementSkipped',
      logs: receipt.logs,
    })
    expect(skipped?.args).toEqual({
      sessionId: foreign.sessionId,
      reason: toFunctionSelector('NotSettler(bytes32,address)'),
    })
    expect(await read('getSessionStatus', [foreign.sessionId])).toEqual(open)
    expect(await read('getSessionStatus', [mine.sessionId])).toEqual(none)
    expect(await balanceOf(vehicle)).toBe(v + deposit)
  })
})

describe('refunds', () => {
  it('lets the vehicle request a refund; the pile may settle until the deadline, the vehicle refund after it', async () => {
    const first = await openAndWait()
    await expectRevert(f.escrow(other, 'requestRefund', [first.session]), 'NotVehicle')
    await expectRevert(f.escrow(vehicle, 'refund', [first.session]), 'RefundNotRequested')
    const receipt = await f.escrow(vehicle, 'requestRefund', [first.session])
    const event = eventIn(receipt, sessionEscrowAbi, 'RefundRequested')
    const refundableAt = (await f.now()) + SETTLE_WINDOW
    expect(event.args).toEqual({ sessionId: first.sessionId, refundableAt })
    expect(await read('getSessionStatus', [first.sessionId])).toEqual([
      SessionStatus.RefundRequested,
      refundableAt,
      zeroAddress,
    ])
    await expectRevert(f.escrow(vehicle, 'requestRefund', [first.session]), 'RefundAlreadyRequested')
    await expectRevert(f.escrow(vehicle, 'refund', [first.session]), 'RefundNotYetAvailable')
    // Within the window the pile still settles with its latest voucher.
    await settle(first.session, first.sessionId, 1000n, priceOf(1000n))

    const second = await openAndWait()
    await f.escrow(vehicle, 'requestRefund', [second.session])
    await f.advance(SETTLE_WINDOW)
    await expectRevert(
      settle(second.session, second.sessionId, 1000n, priceOf(1000n)),
      'RefundDeadlinePassed',
    )
    await expectRevert(f.escrow(other, 'refund', [second.session]), 'NotVehicle')
    const before = await balanceOf(vehicle)
    const refunded = await f.escrow(vehicle, 'refund', [second.session])
    const done = eventIn(refunded, sessionEscrowAbi, 'SessionRefunded')
    expect(done.args).toEqual({ sessionId: second.sessionId, vehicle: vehicle.address, amount: deposit })
    expect(await balanceOf(vehicle)).toBe(before + deposit)
    await expectRevert(f.escrow(vehicle, 'refund', [second.session]), 'SessionNotOpen')
  })
})

describe('balances', () => {
  it('withdraws the whole balance to any address, and refuses an empty balance or the zero address', async () => {
    const { session, sessionId } = await openAndWait()
    await settle(session, sessionId, 1000n, priceOf(1000n))
    const owed = await balanceOf(payout)
    await expectRevert(f.escrow(payout, 'withdraw', [NATIVE_CURRENCY, NATIVE_CURRENCY]), 'ZeroAddress')
    const before = await f.publicClient.getBalance({ address: other.address })
    const receipt = await f.escrow(payout, 'withdraw', [NATIVE_CURRENCY, other.address])
    const event = eventIn(receipt, sessionEscrowAbi, 'Withdrawn')
    expect(event.args).toEqual({
      account: payout.address,
      currency: NATIVE_CURRENCY,
      to: other.address,
      amount: owed,
    })
    expect(await f.publicClient.getBalance({ address: other.address })).toBe(before + owed)
    expect(await balanceOf(payout)).toBe(0n)
    await expectRevert(f.escrow(payout, 'withdraw', [NATIVE_CURRENCY, payout.address]), 'NothingToWithdraw')
  })

  it('opens a session from the credited balance, and refuses more than the balance', async () => {
    const available = await balanceOf(vehicle)
    expect(available).toBeGreaterThan(0n)
    await expectRevert(
      f.escrow(vehicle, 'openSessionFromBalance', [
        pileId,
        await f.currentTerms(pileId),
        toHex(1, { size: 32 }),
        available + 1n,
      ]),
      'InsufficientBalance',
    )
    const { sessionId, receipt } = await f.openSession(vehicle, pileId, available, {
      functionName: 'openSessionFromBalance',
    })
    const event = eventIn(receipt, sessionEscrowAbi, 'DepositFromBalance')
    expect(event.args).toEqual({ sessionId, vehicle: vehicle.address, amount: available })
    expect(await balanceOf(vehicle)).toBe(0n)
  })
})
