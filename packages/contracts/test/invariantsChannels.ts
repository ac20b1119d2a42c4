// The payment-channel half of the invariant test: random channel operations and the checks after each step.
import type fc from 'fast-check'
import { type Account, type Address, type Hex, parseEventLogs, toHex } from 'viem'
import { expect } from 'vitest'
import { demoTokenAbi } from '../src/generated/DemoToken.js'
import { paymentChannelsAbi } from '../src/generated/PaymentChannels.js'
import { NATIVE_CURRENCY } from '../src/index.js'
import { CHALLENGE_PERIOD, type Fixture } from './fixture.js'

const UNIT = 10n ** 15n

export interface Channel {
  id: Hex
  vehicle: Account
  currency: Address
  deposit: bigint
  settled: bigint
  /** The largest cumulative amount the vehicle signed. */
  signed: bigint
}
interface Context {
  f: Fixture
  vehicles: Account[]
  payout: Account
  currencies: Address[]
}
type Command<M extends object> = (
  name: string,
  check: (m: M) => boolean,
  run: (m: M) => Promise<void>,
) => fc.AsyncCommand<M, Fixture>

/** The contract's holdings of `currency`. */
export async function holdings(f: Fixture, contract: Address, currency: Address): Promise<bigint> {
  if (currency === NATIVE_CURRENCY) return f.publicClient.getBalance({ address: contract })
  return f.publicClient.readContract({
    address: currency,
    abi: demoTokenAbi,
    functionName: 'balanceOf',
    args: [contract],
  })
}

/** Channels hold exactly what they owe; each on-chain record is the model's, and never settled above what was signed. */
export async function checkChannels(f: Fixture, channels: Channel[], currencies: Address[]) {
  for (const currency of currencies) {
    const owed = channels
      .filter((ch) => ch.currency === currency)
      .reduce((total, ch) => total + ch.deposit - ch.settled, 0n)
    expect(await holdings(f, f.contracts.channels, currency)).toBe(owed)
  }
  for (const ch of channels) {
    const [channel] = await f.publicClient.readContract({
      address: f.contracts.channels,
      abi: paymentChannelsAbi,
      functionName: 'getChannel',
      args: [ch.id],
    })
    expect(channel.settled).toBeLessThanOrEqual(ch.signed)
    expect(channel).toMatchObject({ settled: ch.settled, deposit: ch.deposit })
  }
}

/** Open, top up, settle, settle-and-close and close channels, as fast-check commands built with `command`. */
export function channelCommands<M extends { channels: Channel[] }>(
  context: () => Context,
  command: Command<M>,
) {
  let salts = 0
  const pick = (m: M, i: number) => m.channels[i % m.channels.length] as Channel
  const openChannel = (v: number, c: number, units: number) =>
    command(
      `openChannel(v${v}, c${c}, ${units})`,
      () => true,
      async (m) => {
        const { f, vehicles, payout, currencies } = context()
        const vehicle = vehicles[v % vehicles.length] as Account
        const currency = currencies[c % currencies.length] as Address
        const deposit = BigInt(units) * UNIT
        const receipt = await f.channels(
          vehicle,
          'openChannel',
          [payout.address, currency, deposit, toHex(++salts, { size: 32 })],
          currency === NATIVE_CURRENCY ? deposit : undefined,
        )
        const [opened] = parseEventLogs({
          abi: paymentChannelsAbi,
          eventName: 'ChannelOpened',
          logs: receipt.logs,
        })
        if (!opened) throw new Error('no ChannelOpened event')
        m.channels.push({ id: opened.args.channelId, vehicle, currency, deposit, settled: 0n, signed: 0n })
      },
    )
  const topUp = (i: number, units: number) =>
    command(
      `topUp(${i}, ${units})`,
      (m) => m.channels.length > 0,
      async (m) => {
        const { f } = context()
        const ch = pick(m, i)
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
        const { f, payout } = context()
        const ch = pick(m, i)
        const cumulativeAmount = ch.settled + ((ch.deposit - ch.settled) * BigInt(percent)) / 100n
        const signature = await f.signChannelVoucher(ch.vehicle, { channelId: ch.id, cumulativeAmount })
        ch.signed = cumulativeAmount
        if (close) {
          await f.channels(payout, 'settleAndClose', [ch.id, cumulativeAmount, signature])
          m.channels.splice(m.channels.indexOf(ch), 1)
        } else if (cumulativeAmount > ch.settled) {
          await f.channels(payout, 'settleChannel', [ch.id, cumulativeAmount, signature])
          ch.settled = cumulativeAmount
        }
      },
    )
  const closeChannel = (i: number) =>
    command(
      `closeChannel(${i})`,
      (m) => m.channels.length > 0,
      async (m) => {
        const { f } = context()
        const ch = pick(m, i)
        m.channels.splice(m.channels.indexOf(ch), 1)
        await f.channels(ch.vehicle, 'requestClose', [ch.id])
        await f.advance(CHALLENGE_PERIOD)
        await f.channels(ch.vehicle, 'closeChannel', [ch.id])
      },
    )
  return { openChannel, topUp, settleChannel, closeChannel }
}
