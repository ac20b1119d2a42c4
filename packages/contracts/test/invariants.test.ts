// Random sequences of every escrow and channel operation, from several accounts, in native and ERC-20, with tariff
// changes, agent rotations (with and without reassigning open sessions, after which the old key and the payout
// try to settle), claims, and batches that mix good entries with bad ones (already settled, twice in the batch,
// past the refund deadline, not the caller's, priced above the tariff). After every step: each contract holds
// exactly what it owes, every balance and session state is what the model says, and each vehicle has paid exactly
// what its settled vouchers signed plus what the arbiter awarded.
// Breaks tried, each failing this test: `settleSessions` settling an entry `_check` refused (`if (reason == 0)` →
// `if (true)`), `reassignSessions` not writing the new agent, and `_check` reading the per-minute price as 0.
import fc from 'fast-check'
import { type Account, type Address, type Hex, maxUint256, parseEventLogs, toFunctionSelector } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionEscrowAbi } from '../src/generated/SessionEscrow.js'
import { NATIVE_CURRENCY } from '../src/index.js'
import {
  costOf,
  DISPUTE_WINDOW,
  expectRevert,
  type Fixture,
  groupInputs,
  NO_SIGNATURE,
  SETTLE_WINDOW,
  type Session,
  startFixture,
  type Tariff,
} from './fixture.js'
import { type Channel, channelCommands, checkChannels, holdings } from './invariantsChannels.js'

const UNIT = 10n ** 15n
const CREDIT_WH = 500
const TARIFFS: Omit<Tariff, 'currency'>[] = [
  { pricePerKWh: 3n * 10n ** 14n, pricePerMinute: 0n, idlePerMinute: 0n, sessionFee: 0n },
  {
    pricePerKWh: 2n * 10n ** 14n,
    pricePerMinute: 10n ** 13n,
    idlePerMinute: 5n * 10n ** 13n,
    sessionFee: 10n ** 14n,
  },
  {
    pricePerKWh: 4n * 10n ** 14n,
    pricePerMinute: 0n,
    idlePerMinute: 3n * 10n ** 13n,
    sessionFee: 2n * 10n ** 13n,
  },
]
const reason = (signature: string) => toFunctionSelector(signature)
const REASONS = {
  notOpen: reason('SessionNotOpen(bytes32)'),
  notSettler: reason('NotSettler(bytes32,address)'),
  deadline: reason('RefundDeadlinePassed(bytes32,uint256)'),
  price: reason('VoucherExceedsPrice(uint256,uint256)'),
  deposit: reason('VoucherExceedsDeposit(uint256,uint256)'),
}

let f: Fixture
let payout: Account
let owner: Account
let agents: Account[]
let vehicles: Account[]
let currencies: Address[]
let piles: { id: Hex; currency: Address }[]

interface Open {
  session: Session
  sessionId: Hex
  /** Who may settle it: the agent it was opened with, or the one it was reassigned to. */
  settler: Account
  /** 0 until the vehicle requests a refund. */
  refundableAt: bigint
  reassigned: boolean
}
interface Model {
  sessions: Open[]
  closed: Open[]
  disputes: { sessionId: Hex; vehicle: Address; currency: Address; held: bigint }[]
  channels: Channel[]
  balances: Map<string, bigint>
  /** Per vehicle and currency: deposited, withdrawn, paid by settled vouchers, awarded to piles by the arbiter. */
  ledger: Map<string, { deposited: bigint; withdrawn: bigint; paid: bigint; awarded: bigint }>
}
const key = (account: Address, currency: Address) => `${account}:${currency}`
const credit = (m: Model, account: Address, currency: Address, amount: bigint) =>
  m.balances.set(key(account, currency), (m.balances.get(key(account, currency)) ?? 0n) + amount)
const ledger = (m: Model, vehicle: Address, currency: Address) => {
  const entry = m.ledger.get(key(vehicle, currency)) ?? {
    deposited: 0n,
    withdrawn: 0n,
    paid: 0n,
    awarded: 0n,
  }
  m.ledger.set(key(vehicle, currency), entry)
  return entry
}
const min = (a: bigint, b: bigint) => (a < b ? a : b)
const account = (address: Address) => {
  const found = f.accounts.find((a) => a.address === address)
  if (!found) throw new Error(`no account ${address}`)
  return found
}
const currencyOf = (s: Open) => s.session.terms.tariff.currency
const take = <T>(list: T[], item: T) => list.splice(list.indexOf(item), 1)

type Cmd = fc.AsyncCommand<Model, Fixture>
const command = (name: string, check: (m: Model) => boolean, run: (m: Model) => Promise<void>): Cmd => ({
  check: (m) => check(m),
  run: async (m) => {
    await run(m)
    await checkInvariants(m)
  },
  toString: () => name,
})

/** Advances a second and says whether `s` is past its refund deadline, stepping clear of the boundary second. */
async function expired(s: Open): Promise<boolean> {
  await f.advance(1)
  if (s.refundableAt === 0n) return false
  const left = s.refundableAt - (await f.now())
  if (left > 5n) return false
  if (left > 0n) await f.advance(left + 1n)
  return true
}

/** A voucher for `energyWh` and time at the session's tariff (capped at the deposit), signed by its vehicle. */
function voucher(s: Open, energyWh: bigint, chargingSeconds: number, idleSeconds: number, extra = 0n) {
  const cost = costOf(s.session.terms.tariff, energyWh, chargingSeconds, idleSeconds)
  const amount = min(cost, s.session.deposit) + extra
  return { sessionId: s.sessionId, energyWh, chargingSeconds, idleSeconds, amount }
}
function applySettle(m: Model, s: Open, amount: bigint, held = 0n) {
  credit(m, s.session.terms.payout, currencyOf(s), amount)
  credit(m, s.session.vehicle, currencyOf(s), s.session.deposit - amount - held)
  ledger(m, s.session.vehicle, currencyOf(s)).paid += amount
  take(m.sessions, s)
  m.closed.push(s)
}

const open = (v: number, p: number, units: number) =>
  command(
    `open(v${v}, pile${p}, ${units})`,
    () => true,
    async (m) => {
      const vehicle = vehicles[v] ?? owner
      const pile = piles[p] ?? { id: '0x', currency: NATIVE_CURRENCY }
      const deposit = BigInt(units) * UNIT
      const { session, sessionId } = await f.openSession(vehicle, pile.id, deposit, {
        value: pile.currency === NATIVE_CURRENCY ? deposit : undefined,
      })
      m.sessions.push({
        session,
        sessionId,
        settler: account(session.terms.agent),
        refundableAt: 0n,
        reassigned: false,
      })
      ledger(m, vehicle.address, pile.currency).deposited += deposit
    },
  )

const settle = (i: number, energyWh: number, chargingSeconds: number, idleSeconds: number) =>
  command(
    `settle(${i}, ${energyWh} Wh, ${chargingSeconds} s, ${idleSeconds} s idle)`,
    (m) => m.sessions.length > 0,
    async (m) => {
      const s = m.sessions[i % m.sessions.length] as Open
      const args = await f.settleArgs(
        account(s.session.vehicle),
        s.session,
        voucher(s, BigInt(energyWh), chargingSeconds, idleSeconds),
      )
      if (await expired(s)) {
        await expectRevert(f.escrow(s.settler, 'settleSession', args), 'RefundDeadlinePassed')
        return
      }
      await f.escrow(s.settler, 'settleSession', args)
      applySettle(m, s, args[4])
    },
  )

/** Good entries from `first` on, plus the bad entries `bad` selects; checks exactly which were skipped and why. */
const batch = (first: number, count: number, energyWh: number, bad: number) =>
  command(
    `batch(${first}, ${count}, ${energyWh} Wh, bad=${bad.toString(2)})`,
    (m) => m.sessions.length > 0,
    async (m) => {
      const rotated = [...m.sessions.slice(first % m.sessions.length), ...m.sessions]
      const chosen = [...new Set(rotated)].slice(0, count)
      const caller = (chosen[0] as Open).settler
      const entries: { s: Open; extra: bigint; expect: Hex | undefined }[] = []
      for (const s of chosen) {
        // The contract checks the settler before the deadline.
        const isExpired = await expired(s)
        const expect = s.settler !== caller ? REASONS.notSettler : isExpired ? REASONS.deadline : undefined
        entries.push({ s, extra: 0n, expect })
      }
      const firstGood = entries.find((entry) => entry.expect === undefined)
      if (bad & 1 && m.closed.length > 0)
        entries.push({ s: m.closed[bad % m.closed.length] as Open, extra: 0n, expect: REASONS.notOpen })
      if (bad & 2 && firstGood) entries.push({ s: firstGood.s, extra: 0n, expect: REASONS.notOpen })
      const overpriced = entries.find((entry) => entry.expect === undefined && entry !== firstGood)
      if (bad & 4 && overpriced) {
        const { deposit } = overpriced.s.session
        const cost = costOf(overpriced.s.session.terms.tariff, BigInt(energyWh))
        overpriced.extra = 1n
        overpriced.expect = cost < deposit ? REASONS.price : REASONS.deposit
      }
      const inputs = await Promise.all(
        entries.map(({ s, extra }) =>
          f.settleInput(account(s.session.vehicle), s.session, voucher(s, BigInt(energyWh), 0, 0, extra)),
        ),
      )
      const receipt = await f.escrow(caller, 'settleSessions', [groupInputs(inputs)])
      const skipped = parseEventLogs({
        abi: sessionEscrowAbi,
        eventName: 'SettlementSkipped',
        logs: receipt.logs,
      })
      expect(skipped.map((event) => [event.args.sessionId, event.args.reason])).toEqual(
        entries.filter((entry) => entry.expect).map((entry) => [entry.s.sessionId, entry.expect]),
      )
      entries.forEach((entry, n) => {
        if (!entry.expect) applySettle(m, entry.s, inputs[n]?.entry.amount ?? 0n)
      })
    },
  )

const refund = (i: number, wait: boolean) =>
  command(
    `refund(${i}, wait=${wait})`,
    (m) => m.sessions.length > 0,
    async (m) => {
      const s = m.sessions[i % m.sessions.length] as Open
      const vehicle = account(s.session.vehicle)
      await f.advance(1)
      if (s.refundableAt === 0n) {
        await f.escrow(vehicle, 'requestRefund', [s.session])
        s.refundableAt = (await f.now()) + SETTLE_WINDOW
      }
      if (!wait) return
      await f.advance(SETTLE_WINDOW)
      await f.escrow(vehicle, 'refund', [s.session])
      take(m.sessions, s)
      m.closed.push(s)
      credit(m, s.session.vehicle, currencyOf(s), s.session.deposit)
    },
  )

const claim = (i: number, energyWh: number, creditPercent: number) =>
  command(
    `claim(${i}, ${energyWh} Wh, ${creditPercent}% of the credit)`,
    (m) => m.sessions.length > 0,
    async (m) => {
      const s = m.sessions[i % m.sessions.length] as Open
      if (await expired(s)) return
      const v = voucher(s, BigInt(energyWh), 0, 0)
      const extraWh = BigInt(Math.max(1, Math.floor((CREDIT_WH * creditPercent) / 100)))
      const { pricePerKWh } = s.session.terms.tariff
      const held = min((extraWh * pricePerKWh + 999n) / 1000n, s.session.deposit - v.amount)
      if (held === 0n) return
      const args = await f.settleArgs(account(s.session.vehicle), s.session, v)
      await f.escrow(s.settler, 'settleWithClaim', [...args, v.energyWh + extraWh, held])
      applySettle(m, s, v.amount, held)
      m.disputes.push({ sessionId: s.sessionId, vehicle: s.session.vehicle, currency: currencyOf(s), held })
    },
  )

const resolve = (i: number, percentToPile: number, expire: boolean) =>
  command(
    `${expire ? 'expire' : 'decide'}(${i}, ${percentToPile}%)`,
    (m) => m.disputes.length > 0,
    async (m) => {
      const [d] = m.disputes.splice(i % m.disputes.length, 1)
      if (!d) return
      const { deadline } = await f.publicClient.readContract({
        address: f.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'getDispute',
        args: [d.sessionId],
      })
      if (expire || (await f.now()) + 5n >= BigInt(deadline)) {
        await f.advance(DISPUTE_WINDOW + 1n)
        await f.escrow(f.arbiter, 'expireDispute', [d.sessionId])
        credit(m, d.vehicle, d.currency, d.held)
        return
      }
      const toPile = (d.held * BigInt(percentToPile)) / 100n
      await f.escrow(f.arbiter, 'decideDispute', [d.sessionId, toPile])
      credit(m, payout.address, d.currency, toPile)
      credit(m, d.vehicle, d.currency, d.held - toPile)
      ledger(m, d.vehicle, d.currency).awarded += toPile
    },
  )

const withdraw = (a: number, c: number) =>
  command(
    `withdraw(${a}, ${c})`,
    () => true,
    async (m) => {
      const who = [...vehicles, payout][a % (vehicles.length + 1)] ?? payout
      const currency = currencies[c] ?? NATIVE_CURRENCY
      const amount = m.balances.get(key(who.address, currency)) ?? 0n
      if (amount === 0n) return
      await f.escrow(who, 'withdraw', [currency, who.address])
      m.balances.set(key(who.address, currency), 0n)
      if (vehicles.includes(who)) ledger(m, who.address, currency).withdrawn += amount
    },
  )

const setTariff = (p: number, t: number) =>
  command(
    `setTariff(pile${p}, tariff${t})`,
    () => true,
    async () => {
      const pile = piles[p] ?? { id: '0x', currency: NATIVE_CURRENCY }
      await f.registry(owner, 'setTariff', [pile.id, { ...TARIFFS[t], currency: pile.currency }])
    },
  )

/** The owner replaces the pile's agent, optionally moving its open sessions; then the old keys must fail. */
const rotate = (p: number, a: number, reassign: boolean) =>
  command(
    `rotate(pile${p}, agent${a}, reassign=${reassign})`,
    () => true,
    async (m) => {
      const pile = piles[p] ?? { id: '0x', currency: NATIVE_CURRENCY }
      const agent = agents[a] ?? owner
      await f.registry(owner, 'setAgent', [pile.id, agent.address])
      if (!reassign) return
      const moved = m.sessions.filter((s) => s.session.pileId === pile.id)
      await f.escrow(owner, 'reassignSessions', [moved.map((s) => s.session), agent.address])
      for (const s of moved) {
        const previous = s.settler
        s.settler = agent
        s.reassigned = true
        if (previous === agent) continue
        // The old key would settle at zero (free energy for a colluding car); neither it nor the payout may.
        const refundOnly = [s.session, 0n, 0, 0, 0n, NO_SIGNATURE.r, NO_SIGNATURE.vs]
        await expectRevert(f.escrow(previous, 'settleSession', refundOnly), 'NotSettler')
        await expectRevert(f.escrow(payout, 'settleSession', refundOnly), 'NotSettler')
      }
    },
  )

async function checkInvariants(m: Model) {
  const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n)
  for (const currency of currencies) {
    const mine = <T extends { currency: Address }>(list: T[]) => list.filter((x) => x.currency === currency)
    const open = m.sessions.filter((s) => currencyOf(s) === currency)
    const escrowOwes =
      sum(open.map((s) => s.session.deposit)) +
      sum(mine(m.disputes).map((d) => d.held)) +
      sum([...m.balances].filter(([k]) => k.endsWith(`:${currency}`)).map(([, v]) => v))
    expect(await holdings(f, f.contracts.escrow, currency)).toBe(escrowOwes)
    for (const who of [...vehicles, payout]) {
      const onChain = await f.publicClient.readContract({
        address: f.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'balanceOf',
        args: [who.address, currency],
      })
      expect(onChain).toBe(m.balances.get(key(who.address, currency)) ?? 0n)
    }
    for (const vehicle of vehicles) {
      // What the vehicle paid to piles, measured from the chain: exactly its settled vouchers plus awards.
      const entry = ledger(m, vehicle.address, currency)
      const locked =
        sum(open.filter((s) => s.session.vehicle === vehicle.address).map((s) => s.session.deposit)) +
        sum(
          mine(m.disputes)
            .filter((d) => d.vehicle === vehicle.address)
            .map((d) => d.held),
        )
      const balance = m.balances.get(key(vehicle.address, currency)) ?? 0n
      expect(entry.deposited - entry.withdrawn - locked - balance).toBe(entry.paid + entry.awarded)
    }
  }
  for (const s of m.sessions) {
    const status = await f.publicClient.readContract({
      address: f.contracts.escrow,
      abi: sessionEscrowAbi,
      functionName: 'getSessionStatus',
      args: [s.sessionId],
    })
    const reassigned = s.reassigned ? s.settler.address : '0x0000000000000000000000000000000000000000'
    expect(status).toEqual([s.refundableAt === 0n ? 1 : 2, s.refundableAt, reassigned])
  }
  await checkChannels(f, m.channels, currencies)
}

beforeAll(async () => {
  f = await startFixture({ accounts: 10 })
  const [, , p, a0, a1, a2, v0, v1, v2, o] = f.accounts
  if (!(p && a0 && a1 && a2 && v0 && v1 && v2 && o)) throw new Error('the fixture has 10 accounts')
  ;[payout, owner, agents, vehicles] = [p, o, [a0, a1, a2], [v0, v1, v2]]
  currencies = [NATIVE_CURRENCY, f.contracts.token]
  piles = []
  for (const [n, currency] of currencies.entries()) {
    // Both piles start with time-based tariffs; setTariff moves them between all three.
    const tariff = TARIFFS[n + 1]
    const terms = { payout: payout.address, agent: a0.address, creditWh: CREDIT_WH, ...tariff, currency }
    piles.push({ id: await f.registerPile(owner, terms), currency })
  }
  for (const vehicle of vehicles) {
    await f.token(f.deployer, 'mint', [vehicle.address, 10n ** 24n])
    await f.token(vehicle, 'approve', [f.contracts.escrow, maxUint256])
    await f.token(vehicle, 'approve', [f.contracts.channels, maxUint256])
  }
})
afterAll(() => f?.stop())

describe('invariants under random operation sequences', () => {
  it('the contracts always hold what they owe; every vehicle paid exactly what it signed and was awarded', async () => {
    const v = fc.nat({ max: 2 })
    const pile = fc.nat({ max: 1 })
    const units = fc.integer({ min: 1, max: 50 })
    const index = fc.nat({ max: 9 })
    const energy = fc.integer({ min: 0, max: 30_000 })
    const seconds = fc.nat({ max: 7_200 })
    const channel = channelCommands(() => ({ f, vehicles, payout, currencies }), command)
    const commands = [
      fc.tuple(v, pile, units).map(([a, b, c]) => open(a, b, c)),
      fc.tuple(index, energy, seconds, seconds).map(([a, b, c, d]) => settle(a, b, c, d)),
      fc
        .tuple(index, fc.integer({ min: 1, max: 4 }), energy, fc.nat({ max: 7 }))
        .map(([a, b, c, d]) => batch(a, b, c, d)),
      fc.tuple(index, fc.boolean()).map(([a, b]) => refund(a, b)),
      fc
        .tuple(index, fc.integer({ min: 0, max: 100_000 }), fc.nat({ max: 100 }))
        .map(([a, b, c]) => claim(a, b, c)),
      fc.tuple(index, fc.nat({ max: 100 }), fc.boolean()).map(([a, b, c]) => resolve(a, b, c)),
      fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 1 })).map(([a, b]) => withdraw(a, b)),
      fc.tuple(pile, fc.nat({ max: TARIFFS.length - 1 })).map(([a, b]) => setTariff(a, b)),
      fc.tuple(pile, fc.nat({ max: 2 }), fc.boolean()).map(([a, b, c]) => rotate(a, b, c)),
      fc.tuple(v, fc.nat({ max: 1 }), units).map(([a, b, c]) => channel.openChannel(a, b, c)),
      fc.tuple(index, units).map(([a, b]) => channel.topUp(a, b)),
      fc
        .tuple(index, fc.integer({ min: 1, max: 100 }), fc.boolean())
        .map(([a, b, c]) => channel.settleChannel(a, b, c)),
      index.map((a) => channel.closeChannel(a)),
    ]
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'max' }), async (cmds) => {
        const snapshot = await f.testClient.snapshot()
        try {
          const model: Model = {
            sessions: [],
            closed: [],
            disputes: [],
            channels: [],
            balances: new Map(),
            ledger: new Map(),
          }
          await fc.asyncModelRun(() => ({ model, real: f }), cmds)
        } finally {
          await f.testClient.revert({ id: snapshot })
        }
      }),
      { numRuns: 40 },
    )
  }, 300_000)
})
