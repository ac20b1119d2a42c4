// Random sequences of every escrow and channel operation, from several accounts, in native and ERC-20. After every
// step the contracts must hold exactly what they owe, and no vehicle may have paid more than it signed for (plus
// what the arbiter awarded).
import fc from 'fast-check'
import { type Account, type Address, type Hex, maxUint256, parseEventLogs, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoTokenAbi } from '../src/generated/DemoToken.js'
import { paymentChannelsAbi } from '../src/generated/PaymentChannels.js'
import { sessionEscrowAbi } from '../src/generated/SessionEscrow.js'
import { NATIVE_CURRENCY } from '../src/index.js'
import {
  CHALLENGE_PERIOD,
  DISPUTE_WINDOW,
  type Fixture,
  SETTLE_WINDOW,
  type Session,
  startFixture,
} from './fixture.js'

const UNIT = 10n ** 15n
const PRICE = 3n * 10n ** 14n
let f: Fixture
let piles: { id: Hex; currency: Address }[]
let vehicles: Account[]
let payout: Account
let agent: Account
let currencies: Address[]

interface Model {
  sessions: { session: Session; sessionId: Hex }[]
  disputes: { sessionId: Hex; vehicle: Address; payout: Address; currency: Address; held: bigint }[]
  channels: {
    id: Hex
    vehicle: Account
    currency: Address
    deposit: bigint
    settled: bigint
    signed: bigint
  }[]
  balances: Map<string, bigint>
  /** Per vehicle and currency: deposited, withdrawn, signed (max voucher per session summed), awarded by the arbiter. */
  ledger: Map<string, { deposited: bigint; withdrawn: bigint; signed: bigint; awarded: bigint }>
}
const key = (account: Address, currency: Address) => `${account}:${currency}`
const credit = (m: Model, account: Address, currency: Address, amount: bigint) =>
  m.balances.set(key(account, currency), (m.balances.get(key(account, currency)) ?? 0n) + amount)
const ledger = (m: Model, vehicle: Address, currency: Address) => {
  const existing = m.ledger.get(key(vehicle, currency))
  if (existing) return existing
  const entry = { deposited: 0n, withdrawn: 0n, signed: 0n, awarded: 0n }
  m.ledger.set(key(vehicle, currency), entry)
  return entry
}
const priceOf = (energyWh: bigint) => (energyWh * PRICE + 999n) / 1000n
// biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints
const min = (...values: bigint[]) => values.reduce((a, b) => (b < a ? b : a))
const account = (address: Address) => f.accounts.find((a) => a.address === address)!
let salts = 0

type Cmd = fc.AsyncCommand<Model, Fixture>
const command = (name: string, check: (m: Model) => boolean, run: (m: Model) => Promise<void>): Cmd => ({
  check: (m) => check(m),
  run: async (m) => {
    await run(m)
    await checkInvariants(m)
  },
  toString: () => name,
})

const open = (v: number, p: number, units: number) =>
  command(
    `open(v${v}, pile${p}, ${units})`,
    () => true,
    async (m) => {
      const vehicle = vehicles[v]!
      const pile = piles[p]!
      const deposit = BigInt(units) * UNIT
      const { session, sessionId } = await f.openSession(vehicle, pile.id, deposit, {
        value: pile.currency === NATIVE_CURRENCY ? deposit : undefined,
      })
      m.sessions.push({ session, sessionId })
      ledger(m, vehicle.address, pile.currency).deposited += deposit
    },
  )

async function settleInput(s: { session: Session; sessionId: Hex }, energyWh: bigint) {
  const amount = min(priceOf(energyWh), s.session.deposit)
  const signature = await f.signVoucher(account(s.session.vehicle), {
    sessionId: s.sessionId,
    energyWh,
    amount,
  })
  return { session: s.session, energyWh, amount, signature }
}
function applySettle(m: Model, session: Session, amount: bigint, held = 0n) {
  credit(m, session.payout, session.currency, amount)
  credit(m, session.vehicle, session.currency, session.deposit - amount - held)
  ledger(m, session.vehicle, session.currency).signed += amount
}

const settle = (i: number, energyWh: number) =>
  command(
    `settle(${i}, ${energyWh} Wh)`,
    (m) => m.sessions.length > 0,
    async (m) => {
      const [s] = m.sessions.splice(i % m.sessions.length, 1)
      await f.advance(1)
      const input = await settleInput(s!, BigInt(energyWh))
      await f.escrow(agent, 'settleSession', [input.session, input.energyWh, input.amount, input.signature])
      applySettle(m, s!.session, input.amount)
    },
  )

const batch = (count: number, energyWh: number) =>
  command(
    `batch(${count})`,
    (m) => m.sessions.length > 0,
    async (m) => {
      const chosen = m.sessions.splice(0, count)
      await f.advance(1)
      const inputs = await Promise.all(chosen.map((s) => settleInput(s, BigInt(energyWh))))
      await f.escrow(agent, 'settleSessions', [inputs])
      for (const input of inputs) applySettle(m, input.session, input.amount)
    },
  )

const refund = (i: number, wait: boolean) =>
  command(
    `refund(${i}, wait=${wait})`,
    (m) => m.sessions.length > 0,
    async (m) => {
      const s = m.sessions[i % m.sessions.length]!
      const vehicle = account(s.session.vehicle)
      const [status] = (await f.publicClient.readContract({
        address: f.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'getSessionStatus',
        args: [s.sessionId],
      })) as readonly [number, bigint]
      await f.advance(1)
      if (status === 1) await f.escrow(vehicle, 'requestRefund', [s.session])
      if (!wait) return
      await f.advance(SETTLE_WINDOW)
      await f.escrow(vehicle, 'refund', [s.session])
      m.sessions.splice(m.sessions.indexOf(s), 1)
      credit(m, s.session.vehicle, s.session.currency, s.session.deposit)
    },
  )

const claim = (i: number, energyWh: number) =>
  command(
    `claim(${i}, ${energyWh} Wh)`,
    (m) => m.sessions.length > 0,
    async (m) => {
      const s = m.sessions[i % m.sessions.length]!
      const [status, refundableAt] = (await f.publicClient.readContract({
        address: f.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'getSessionStatus',
        args: [s.sessionId],
      })) as readonly [number, bigint]
      await f.advance(1)
      if (status === 2 && (await f.now()) >= refundableAt) return
      const input = await settleInput(s, BigInt(energyWh))
      const claimed = priceOf(BigInt(energyWh) * 2n) - input.amount
      const left = s.session.deposit - input.amount
      const held = min(claimed, left)
      if (held === 0n) return
      await f.escrow(agent, 'settleWithClaim', [
        s.session,
        input.energyWh,
        input.amount,
        input.signature,
        BigInt(energyWh) * 2n,
        held,
      ])
      m.sessions.splice(m.sessions.indexOf(s), 1)
      applySettle(m, s.session, input.amount, held)
      m.disputes.push({
        sessionId: s.sessionId,
        vehicle: s.session.vehicle,
        payout: s.session.payout,
        currency: s.session.currency,
        held,
      })
    },
  )

const resolve = (i: number, percentToPile: number, expire: boolean) =>
  command(
    `${expire ? 'expire' : 'decide'}(${i}, ${percentToPile}%)`,
    (m) => m.disputes.length > 0,
    async (m) => {
      const [d] = m.disputes.splice(i % m.disputes.length, 1)
      const dispute = (await f.publicClient.readContract({
        address: f.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'getDispute',
        args: [d!.sessionId],
      })) as { deadline: number }
      if (expire) await f.advance(DISPUTE_WINDOW + 1n)
      if (expire || (await f.now()) >= BigInt(dispute.deadline)) {
        if (!expire) await f.advance(DISPUTE_WINDOW + 1n)
        await f.escrow(f.arbiter, 'expireDispute', [d!.sessionId])
        credit(m, d!.vehicle, d!.currency, d!.held)
        return
      }
      const toPile = (d!.held * BigInt(percentToPile)) / 100n
      await f.escrow(f.arbiter, 'decideDispute', [d!.sessionId, toPile])
      credit(m, d!.payout, d!.currency, toPile)
      credit(m, d!.vehicle, d!.currency, d!.held - toPile)
      ledger(m, d!.vehicle, d!.currency).awarded += toPile
    },
  )

const withdraw = (a: number, c: number) =>
  command(
    `withdraw(${a}, ${c})`,
    () => true,
    async (m) => {
      const who = [...vehicles, payout][a % (vehicles.length + 1)]!
      const currency = currencies[c]!
      const amount = m.balances.get(key(who.address, currency)) ?? 0n
      if (amount === 0n) return
      await f.escrow(who, 'withdraw', [currency, who.address])
      m.balances.set(key(who.address, currency), 0n)
      if (vehicles.includes(who)) ledger(m, who.address, currency).withdrawn += amount
    },
  )

const openChannel = (v: number, c: number, units: number) =>
  command(
    `openChannel(v${v}, c${c}, ${units})`,
    () => true,
    async (m) => {
      const vehicle = vehicles[v]!
      const currency = currencies[c]!
      const deposit = BigInt(units) * UNIT
      const receipt = await f.channels(
        vehicle,
        'openChannel',
        [payout.address, currency, deposit, toHex(++salts, { size: 32 })],
        currency === NATIVE_CURRENCY ? deposit : undefined,
      )
      const id = parseEventLogs({
        abi: paymentChannelsAbi,
        eventName: 'ChannelOpened',
        logs: receipt.logs,
      })[0]!.args.channelId
      m.channels.push({ id, vehicle, currency, deposit, settled: 0n, signed: 0n })
    },
  )

const topUp = (i: number, units: number) =>
  command(
    `topUp(${i}, ${units})`,
    (m) => m.channels.length > 0,
    async (m) => {
      const ch = m.channels[i % m.channels.length]!
      const amount = BigInt(units) * UNIT
      await f.channels(
        ch.vehicle,
        'topUp',
        [ch.id, amount],
        ch.currency === NATIVE_CURRENCY ? amount : undefined,
      )
      ch.deposit += amount
    },
  )

const settleChannel = (i: number, percent: number, close: boolean) =>
  command(
    `${close ? 'settleAndClose' : 'settleChannel'}(${i}, ${percent}%)`,
    (m) => m.channels.length > 0,
    async (m) => {
      const ch = m.channels[i % m.channels.length]!
      const cumulative = ch.settled + ((ch.deposit - ch.settled) * BigInt(percent)) / 100n
      const signature = await f.signChannelVoucher(ch.vehicle, {
        channelId: ch.id,
        cumulativeAmount: cumulative,
      })
      ch.signed = cumulative
      if (close) {
        await f.channels(payout, 'settleAndClose', [ch.id, cumulative, signature])
        m.channels.splice(m.channels.indexOf(ch), 1)
      } else if (cumulative > ch.settled) {
        await f.channels(payout, 'settleChannel', [ch.id, cumulative, signature])
        ch.settled = cumulative
      }
    },
  )

const closeChannel = (i: number) =>
  command(
    `closeChannel(${i})`,
    (m) => m.channels.length > 0,
    async (m) => {
      const [ch] = m.channels.splice(i % m.channels.length, 1)
      await f.channels(ch!.vehicle, 'requestClose', [ch!.id])
      await f.advance(CHALLENGE_PERIOD)
      await f.channels(ch!.vehicle, 'closeChannel', [ch!.id])
    },
  )

async function holdings(contract: Address, currency: Address) {
  if (currency === NATIVE_CURRENCY) return f.publicClient.getBalance({ address: contract })
  return f.publicClient.readContract({
    address: currency,
    abi: demoTokenAbi,
    functionName: 'balanceOf',
    args: [contract],
  })
}

async function checkInvariants(m: Model) {
  for (const currency of currencies) {
    const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n)
    const escrowOwes =
      sum(m.sessions.filter((s) => s.session.currency === currency).map((s) => s.session.deposit)) +
      sum(m.disputes.filter((d) => d.currency === currency).map((d) => d.held)) +
      sum([...m.balances].filter(([k]) => k.endsWith(`:${currency}`)).map(([, v]) => v))
    expect(await holdings(f.contracts.escrow, currency)).toBe(escrowOwes)
    const channelsOwe = sum(
      m.channels.filter((ch) => ch.currency === currency).map((ch) => ch.deposit - ch.settled),
    )
    expect(await holdings(f.contracts.channels, currency)).toBe(channelsOwe)
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
      // What the vehicle paid to piles, measured from the chain's balance: never more than signed plus awarded.
      const entry = ledger(m, vehicle.address, currency)
      const locked =
        sum(
          m.sessions
            .filter((s) => s.session.vehicle === vehicle.address && s.session.currency === currency)
            .map((s) => s.session.deposit),
        ) +
        sum(
          m.disputes
            .filter((d) => d.vehicle === vehicle.address && d.currency === currency)
            .map((d) => d.held),
        )
      const balance = await f.publicClient.readContract({
        address: f.contracts.escrow,
        abi: sessionEscrowAbi,
        functionName: 'balanceOf',
        args: [vehicle.address, currency],
      })
      const paid = entry.deposited - entry.withdrawn - locked - balance
      expect(paid).toBeLessThanOrEqual(entry.signed + entry.awarded)
    }
  }
  for (const ch of m.channels) {
    const [channel] = (await f.publicClient.readContract({
      address: f.contracts.channels,
      abi: paymentChannelsAbi,
      functionName: 'getChannel',
      args: [ch.id],
    })) as readonly [{ settled: bigint; deposit: bigint }, number]
    expect(channel.settled).toBeLessThanOrEqual(ch.signed)
    expect(channel).toMatchObject({ settled: ch.settled, deposit: ch.deposit })
  }
}

beforeAll(async () => {
  f = await startFixture({ accounts: 8 })
  ;[, , payout, agent] = f.accounts as Account[] as [Account, Account, Account, Account]
  vehicles = f.accounts.slice(4, 7)
  currencies = [NATIVE_CURRENCY, f.contracts.token]
  piles = []
  for (const currency of currencies) {
    piles.push({
      id: await f.registerPile(f.accounts[7]!, {
        payout: payout.address,
        agent: agent.address,
        currency,
        pricePerKWh: PRICE,
      }),
      currency,
    })
  }
  for (const vehicle of vehicles) {
    await f.token(f.deployer, 'mint', [vehicle.address, 10n ** 24n])
    await f.token(vehicle, 'approve', [f.contracts.escrow, maxUint256])
    await f.token(vehicle, 'approve', [f.contracts.channels, maxUint256])
  }
})
afterAll(() => f?.stop())

describe('invariants under random operation sequences', () => {
  it('the contracts always hold what they owe; nobody pays more than signed', async () => {
    const v = fc.nat({ max: 2 })
    const units = fc.integer({ min: 1, max: 50 })
    const index = fc.nat({ max: 9 })
    const commands = [
      fc.tuple(v, fc.nat({ max: 1 }), units).map(([a, b, c]) => open(a, b, c)),
      fc.tuple(index, fc.integer({ min: 0, max: 300_000 })).map(([a, b]) => settle(a, b)),
      fc
        .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 300_000 }))
        .map(([a, b]) => batch(a, b)),
      fc.tuple(index, fc.boolean()).map(([a, b]) => refund(a, b)),
      fc.tuple(index, fc.integer({ min: 0, max: 100_000 })).map(([a, b]) => claim(a, b)),
      fc.tuple(index, fc.nat({ max: 100 }), fc.boolean()).map(([a, b, c]) => resolve(a, b, c)),
      fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 1 })).map(([a, b]) => withdraw(a, b)),
      fc.tuple(v, fc.nat({ max: 1 }), units).map(([a, b, c]) => openChannel(a, b, c)),
      fc.tuple(index, units).map(([a, b]) => topUp(a, b)),
      fc
        .tuple(index, fc.integer({ min: 1, max: 100 }), fc.boolean())
        .map(([a, b, c]) => settleChannel(a, b, c)),
      index.map((a) => closeChannel(a)),
    ]
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        const snapshot = await f.testClient.snapshot()
        try {
          const model: Model = {
            sessions: [],
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
  }, 180_000)
})
