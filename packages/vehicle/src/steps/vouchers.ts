import { signChannelVoucher, signVoucher, tariffCost, toCompactSignature } from '@chargechain/chain'
import type { ReceiptMessage } from '@chargechain/link'
import { bytesToHex } from 'viem'
import type { VehicleRuntime } from '../runtime.js'
import type { ChargeSession, PaidSession, VehicleVoucher } from '../session.js'

/** What a voucher pays for: the energy and the seconds of charging and of idling of one of the pile's readings. */
export interface Billed {
  energyWh: number
  chargingSeconds: number
  idleSeconds: number
}

/**
 * Signs the cumulative voucher for `billed` at the accepted tariff's cost, to the wei as the escrow computes it;
 * escrow per session, channel over its life.
 */
export async function signFor(
  runtime: VehicleRuntime,
  session: PaidSession,
  billed: Billed,
): Promise<VehicleVoucher> {
  const { chain, account } = runtime
  const { energyWh, chargingSeconds, idleSeconds } = billed
  const owed = tariffCost(session.terms, BigInt(energyWh), chargingSeconds, idleSeconds)
  if (session.kind === 'channel') {
    const amount = session.channel.base + owed
    const signature = await signChannelVoucher({
      account,
      chainId: chain.deployment.chainId,
      channels: chain.deployment.contracts.paymentChannels,
      channelId: session.channel.channelId,
      cumulativeAmount: amount,
    })
    return { ...billed, amount, signature }
  }
  const signature = await signVoucher({
    account,
    chainId: chain.deployment.chainId,
    escrow: chain.deployment.contracts.sessionEscrow,
    sessionId: session.escrow.sessionId,
    energyWh: BigInt(energyWh),
    chargingSeconds,
    idleSeconds,
    amount: owed,
  })
  return { ...billed, amount: owed, signature }
}

/** What a journaled voucher pays for (one from before time was billed paid for none). */
export function billedBy(voucher: VehicleVoucher | undefined): Billed {
  return {
    energyWh: voucher?.energyWh ?? 0,
    chargingSeconds: voucher?.chargingSeconds ?? 0,
    idleSeconds: voucher?.idleSeconds ?? 0,
  }
}

/** Whether `next` bills more than `previous` in anything, and less in nothing: worth a new cumulative voucher. */
export function billsMore(next: Billed, previous: Billed): boolean {
  const keys = ['energyWh', 'chargingSeconds', 'idleSeconds'] as const
  return keys.every((key) => next[key] >= previous[key]) && keys.some((key) => next[key] > previous[key])
}

export function voucherMessage(voucher: VehicleVoucher) {
  return {
    type: 'Voucher' as const,
    ...billedBy(voucher),
    amount: voucher.amount,
    signature: hexBytes(toCompactSignature(voucher.signature)),
  }
}

/** The pile's receipt as the car journals it. */
export function receiptOf(message: ReceiptMessage): NonNullable<ChargeSession['receipt']> {
  return { settleTx: bytesToHex(message.settleTxHash), energyWh: message.energyWh, amount: message.amount }
}

function hexBytes(hex: `0x${string}`): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
}

/** This session's share of a voucher. */
export function sessionShare(session: ChargeSession, voucher: VehicleVoucher | undefined): bigint {
  if (!voucher) return 0n
  return session.kind === 'channel' ? voucher.amount - session.channel.base : voucher.amount
}

/**
 * The pile's seconds against the car's own clock: charging counted from ChargingStarted until the car said it was full,
 * idling only after that, each at most `tolerance.seconds` above the car's count (the link's delay).
 */
export function withinTimeTolerance(
  runtime: VehicleRuntime,
  session: Pick<ChargeSession, 'chargingSince' | 'fullSince'>,
  pile: Pick<Billed, 'chargingSeconds' | 'idleSeconds'>,
): boolean {
  const now = runtime.clock.now()
  const slack = runtime.config.tolerance.seconds
  const seconds = (from: number | undefined, to: number) =>
    from === undefined ? 0 : Math.max(0, Math.floor((to - from) / 1000))
  const ownCharging = seconds(session.chargingSince, session.fullSince ?? now)
  const ownIdle = seconds(session.fullSince, now)
  if (pile.idleSeconds > 0 && session.fullSince === undefined) return false
  return pile.chargingSeconds <= ownCharging + slack && pile.idleSeconds <= ownIdle + slack
}

/** The pile may read above the car by the charger's losses: the larger of a fixed and a relative allowance. */
export function withinTolerance(runtime: VehicleRuntime, pileWh: number, ownWh: number): boolean {
  const { wh, fraction } = runtime.config.tolerance
  return pileWh <= ownWh + Math.max(wh, ownWh * fraction)
}
