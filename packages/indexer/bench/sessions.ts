import {
  channelIdOf,
  type Deployment,
  hashSession,
  type Session,
  signChannelVoucher,
  signVoucher,
  type Terms,
  tariffCost,
} from '@chargechain/chain'
import { paymentChannelsAbi, sessionEscrowAbi } from '@chargechain/contracts'
import {
  encodeFunctionData,
  type Hex,
  numberToHex,
  type PrivateKeyAccount,
  pad,
  parseEther,
  parseEventLogs,
  parseSignature,
  signatureToCompactSignature,
  zeroAddress,
} from 'viem'
import { BenchSetupError } from './errors.js'
import type { RawSender } from './rawSender.js'

/*
 * The bench chain's sessions, sent in rounds: escrow sessions opened by the cars and settled by the piles' agents,
 * and payment channels whose vouchers their operators settle. Every voucher is checked to be within its deposit
 * before it is sent (the contracts would refuse it anyway, and the round would fail).
 */

export interface BenchPile {
  pileId: Hex
  terms: Terms
  owner: PrivateKeyAccount
}

const SETTLE_BATCH = 40
export const VOUCHERS_PER_CHANNEL = 10
const escrowDeposit = { native: parseEther('0.02'), token: parseEther('20') }
const channelDeposit = { native: parseEther('0.1'), token: parseEther('100') }

/** Opens `size` sessions (cars and piles in turn), then settles them: three in four in batches, the rest alone. */
export async function escrowRound(
  sender: RawSender,
  deployment: Deployment,
  piles: readonly BenchPile[],
  vehicles: readonly PrivateKeyAccount[],
  first: number,
  size: number,
): Promise<void> {
  const escrow = deployment.contracts.sessionEscrow
  const planned = new Map<Hex, { n: number; pile: (typeof piles)[number]; vehicle: PrivateKeyAccount }>()
  for (let n = first; n < first + size; n++) {
    const pile = piles[n % piles.length]
    const vehicle = vehicles[(n * 7) % vehicles.length]
    if (!pile || !vehicle) throw new BenchSetupError('no pile or car for a session')
    const native = pile.terms.tariff.currency === zeroAddress
    const deposit = native ? escrowDeposit.native : escrowDeposit.token
    const salt = pad(numberToHex(n + 1), { size: 32 })
    planned.set(salt, { n, pile, vehicle })
    sender.send(vehicle, {
      to: escrow,
      data: encodeFunctionData({
        abi: sessionEscrowAbi,
        functionName: 'openSession',
        args: [pile.pileId, pile.terms, salt, deposit],
      }),
      value: native ? deposit : 0n,
      gas: 400_000n,
    })
  }
  const receipts = await sender.mine()
  const opened = parseEventLogs({
    abi: sessionEscrowAbi,
    eventName: 'SessionOpened',
    logs: receipts.flatMap((receipt) => receipt.logs).map((log) => ({ ...log, removed: false })),
  })
  const settlements: { n: number; owner: PrivateKeyAccount; session: Session; voucher: Voucher }[] = []
  for (const { args } of opened) {
    const plan = planned.get(args.salt)
    if (!plan) throw new BenchSetupError(`a SessionOpened the bench did not send: ${args.sessionId}`)
    const session: Session = {
      vehicle: args.vehicle,
      pileId: args.pileId,
      terms: plan.pile.terms,
      deposit: args.deposit,
      openedAt: args.openedAt,
      salt: args.salt,
    }
    if (hashSession(session) !== args.sessionId)
      throw new BenchSetupError(`session ${args.sessionId} mismatch`)
    const energyWh = BigInt(2_000 + ((plan.n * 7_919) % 40_000))
    const chargingSeconds = Number(energyWh / 10n)
    const amount = tariffCost(plan.pile.terms.tariff, energyWh, chargingSeconds, 0)
    if (amount > session.deposit)
      throw new BenchSetupError(`voucher ${amount} above deposit ${session.deposit}`)
    const signature = await signVoucher({
      account: plan.vehicle,
      chainId: deployment.chainId,
      escrow,
      sessionId: args.sessionId,
      energyWh,
      chargingSeconds,
      idleSeconds: 0,
      amount,
    })
    const { r, yParityAndS } = signatureToCompactSignature(parseSignature(signature))
    settlements.push({
      n: plan.n,
      owner: plan.pile.owner,
      session,
      voucher: { energyWh, chargingSeconds, idleSeconds: 0, amount, r, vs: yParityAndS },
    })
  }
  if (settlements.length !== size)
    throw new BenchSetupError(`${settlements.length} of ${size} sessions opened`)

  const batches = new Map<Hex, { owner: PrivateKeyAccount; entries: typeof settlements }>()
  for (const settlement of settlements) {
    const { session, voucher, owner } = settlement
    if (settlement.n % 4 === 3) {
      sender.send(owner, {
        to: escrow,
        data: encodeFunctionData({
          abi: sessionEscrowAbi,
          functionName: 'settleSession',
          args: [
            session,
            voucher.energyWh,
            voucher.chargingSeconds,
            voucher.idleSeconds,
            voucher.amount,
            voucher.r,
            voucher.vs,
          ],
        }),
        gas: 300_000n,
      })
      continue
    }
    const batch = batches.get(session.pileId) ?? { owner, entries: [] }
    batches.set(session.pileId, batch)
    batch.entries.push(settlement)
  }
  for (const [pileId, { owner, entries }] of batches)
    for (let i = 0; i < entries.length; i += SETTLE_BATCH) {
      const slice = entries.slice(i, i + SETTLE_BATCH)
      const terms = slice[0]?.session.terms
      if (!terms) continue
      const group = {
        pileId,
        terms,
        entries: slice.map(({ session, voucher }) => ({
          vehicle: session.vehicle,
          deposit: session.deposit,
          openedAt: session.openedAt,
          salt: session.salt,
          ...voucher,
        })),
      }
      sender.send(owner, {
        to: escrow,
        data: encodeFunctionData({ abi: sessionEscrowAbi, functionName: 'settleSessions', args: [[group]] }),
        gas: 120_000n * BigInt(slice.length) + 200_000n,
      })
    }
  const settled = parseEventLogs({
    abi: sessionEscrowAbi,
    logs: (await sender.mine()).flatMap((receipt) => receipt.logs).map((log) => ({ ...log, removed: false })),
  })
  const count = settled.filter((log) => log.eventName === 'SessionSettled').length
  if (count !== size) throw new BenchSetupError(`${count} of ${size} sessions settled`)
}

type Voucher = {
  energyWh: bigint
  chargingSeconds: number
  idleSeconds: number
  amount: bigint
  r: Hex
  vs: Hex
}

export interface OpenChannel {
  channelId: Hex
  vehicle: PrivateKeyAccount
  operator: PrivateKeyAccount
  deposit: bigint
  cumulative: bigint
  /** What one charge costs on this channel. */
  step: bigint
}

export async function openChannels(
  sender: RawSender,
  deployment: Deployment,
  count: number,
  vehicles: readonly PrivateKeyAccount[],
  piles: readonly BenchPile[],
): Promise<OpenChannel[]> {
  const channels: OpenChannel[] = []
  for (let n = 0; n < count; n++) {
    const vehicle = vehicles[n % vehicles.length]
    const pile = piles[n % piles.length]
    if (!vehicle || !pile) throw new BenchSetupError('no car or operator for a channel')
    const currency = pile.terms.tariff.currency
    const native = currency === zeroAddress
    const deposit = native ? channelDeposit.native : channelDeposit.token
    const salt = pad(numberToHex(n + 1), { size: 32 })
    sender.send(vehicle, {
      to: deployment.contracts.paymentChannels,
      data: encodeFunctionData({
        abi: paymentChannelsAbi,
        functionName: 'openChannel',
        args: [pile.owner.address, currency, deposit, salt],
      }),
      value: native ? deposit : 0n,
      gas: 300_000n,
    })
    channels.push({
      channelId: channelIdOf(vehicle.address, pile.owner.address, currency, salt),
      vehicle,
      operator: pile.owner,
      deposit,
      cumulative: 0n,
      // Ten charges use at most 90 % of the deposit.
      step: (deposit * 9n) / 100n - BigInt(n % 7) * (deposit / 1_000n),
    })
  }
  await sender.mine()
  return channels
}

/** Every channel gets one more voucher, settled by its operator; the last one closes half of them. */
export async function channelRound(
  sender: RawSender,
  deployment: Deployment,
  channels: readonly OpenChannel[],
  round: number,
): Promise<number> {
  const last = round === VOUCHERS_PER_CHANNEL - 1
  for (const [n, channel] of channels.entries()) {
    channel.cumulative += channel.step
    if (channel.cumulative > channel.deposit)
      throw new BenchSetupError(`channel voucher ${channel.cumulative} above deposit ${channel.deposit}`)
    const signature = await signChannelVoucher({
      account: channel.vehicle,
      chainId: deployment.chainId,
      channels: deployment.contracts.paymentChannels,
      channelId: channel.channelId,
      cumulativeAmount: channel.cumulative,
    })
    sender.send(channel.operator, {
      to: deployment.contracts.paymentChannels,
      data: encodeFunctionData({
        abi: paymentChannelsAbi,
        functionName: last && n % 2 === 0 ? 'settleAndClose' : 'settleChannel',
        args: [channel.channelId, channel.cumulative, signature],
      }),
      gas: 200_000n,
    })
  }
  await sender.mine()
  return channels.length
}
