import { signChannelVoucher, signVoucher, tariffCost, toCompactSignature } from '@chargechain/chain'
import type { VehicleRuntime } from '../runtime.js'
import type { ChargeSession, PaidSession, VehicleVoucher } from '../session.js'

/**
 * Signs the cumulative voucher for `energyWh` at the accepted tariff's cost; escrow per session, channel over its
 * life. Charging and idle time are not measured by the car yet: its vouchers pay for energy (and the fee) alone.
 */
export async function signFor(
  runtime: VehicleRuntime,
  session: PaidSession,
  energyWh: number,
): Promise<VehicleVoucher> {
  const { chain, account } = runtime
  const owed = tariffCost(session.terms, BigInt(energyWh), 0, 0)
  if (session.kind === 'channel') {
    const amount = session.channel.base + owed
    const signature = await signChannelVoucher({
      account,
      chainId: chain.deployment.chainId,
      channels: chain.deployment.contracts.paymentChannels,
      channelId: session.channel.channelId,
      cumulativeAmount: amount,
    })
    return { energyWh, amount, signature }
  }
  const signature = await signVoucher({
    account,
    chainId: chain.deployment.chainId,
    escrow: chain.deployment.contracts.sessionEscrow,
    sessionId: session.escrow.sessionId,
    energyWh: BigInt(energyWh),
    chargingSeconds: 0,
    idleSeconds: 0,
    amount: owed,
  })
  return { energyWh, amount: owed, signature }
}

export function voucherMessage(voucher: VehicleVoucher) {
  return {
    type: 'Voucher' as const,
    energyWh: voucher.energyWh,
    // The vouchers the escrow checks carry no time yet: charged by energy alone.
    chargingSeconds: 0,
    idleSeconds: 0,
    amount: voucher.amount,
    signature: hexBytes(toCompactSignature(voucher.signature)),
  }
}

function hexBytes(hex: `0x${string}`): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
}

/** This session's share of a voucher. */
export function sessionShare(session: ChargeSession, voucher: VehicleVoucher | undefined): bigint {
  if (!voucher) return 0n
  return session.kind === 'channel' ? voucher.amount - session.channel.base : voucher.amount
}

/** The pile may read above the car by the charger's losses: the larger of a fixed and a relative allowance. */
export function withinTolerance(runtime: VehicleRuntime, pileWh: number, ownWh: number): boolean {
  const { wh, fraction } = runtime.config.tolerance
  return pileWh <= ownWh + Math.max(wh, ownWh * fraction)
}
