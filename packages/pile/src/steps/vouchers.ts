import {
  normalizeSignature,
  recoverChannelVoucherSigner,
  recoverVoucherSigner,
  tariffCost,
} from '@chargechain/chain'
import type { VoucherMessage } from '@chargechain/link'
import { bytesToHex, isAddressEqual } from 'viem'
import type { PileRuntime } from '../runtime.js'
import { type ChargeSession, elapsedSeconds, type PaidSession, type PileVoucher } from '../session.js'

/** This session's share of its latest voucher: all of an escrow voucher, a channel voucher minus the channel's base. */
export function sessionAmount(session: ChargeSession): bigint {
  if (session.kind === 'free' || !session.voucher) return 0n
  return session.kind === 'channel' ? session.voucher.amount - session.channel.base : session.voucher.amount
}

/**
 * Checks a voucher against the pile's own meter: signed by the session's car for this session, cumulative (never
 * below the last one), for no more energy than was metered, and paying the tariff for it. `undefined` = refused, and
 * always for a free session, which has nothing to voucher.
 */
export async function verifyVoucher(
  runtime: PileRuntime,
  session: ChargeSession,
  message: VoucherMessage,
): Promise<PileVoucher | undefined> {
  if (session.kind === 'free') return undefined
  const { chain } = runtime
  const signature = bytesToHex(message.signature)
  const energyWh = message.energyWh
  const previous = session.voucher
  if (energyWh > session.energyWh) return undefined
  if (previous && (energyWh < previous.energyWh || message.amount < previous.amount)) return undefined
  if (!secondsInBounds(runtime, session, message)) return undefined
  // What the car owes for the energy and time it vouchers, to the wei as the escrow computes it.
  const owed = tariffCost(
    session.offer.tariff,
    BigInt(energyWh),
    message.chargingSeconds,
    message.idleSeconds,
  )
  const candidate: PileVoucher = {
    energyWh,
    chargingSeconds: message.chargingSeconds,
    idleSeconds: message.idleSeconds,
    amount: message.amount,
    signature: normalizeSignature(signature),
  }
  const share = sessionAmount({ ...session, voucher: candidate })
  // The car computes the cost with the same function as the escrow: an escrow voucher pays it to the wei. A channel
  // voucher may carry more, the part of the car's last voucher at another pile of the operator that was never handed in.
  if (share < owed) return undefined
  let signer: `0x${string}`
  try {
    if (session.kind === 'escrow') {
      if (share !== owed || message.amount > session.escrow.session.deposit) return undefined
      signer = await recoverVoucherSigner({
        chainId: chain.deployment.chainId,
        escrow: chain.deployment.contracts.sessionEscrow,
        sessionId: session.escrow.sessionId,
        energyWh: BigInt(energyWh),
        chargingSeconds: message.chargingSeconds,
        idleSeconds: message.idleSeconds,
        amount: message.amount,
        signature,
      })
    } else {
      if (share > session.channel.remaining) return undefined
      signer = await recoverChannelVoucherSigner({
        chainId: chain.deployment.chainId,
        channels: chain.deployment.contracts.paymentChannels,
        channelId: session.channel.channelId,
        cumulativeAmount: message.amount,
        signature,
      })
    }
  } catch {
    return undefined
  }
  return isAddressEqual(signer, session.vehicle) ? candidate : undefined
}

/**
 * The seconds a voucher pays for: never more than the pile's own clock counted, never fewer than the last voucher's,
 * and not behind the clock by more than `creditSeconds` (the time cost would run on uncovered; a refused voucher
 * leaves the energy unvouchered, and the credit rule stops the charge).
 */
function secondsInBounds(runtime: PileRuntime, session: PaidSession, message: VoucherMessage): boolean {
  const own = elapsedSeconds(session, runtime.clock.now())
  const { chargingSeconds, idleSeconds } = message
  if (chargingSeconds > own.chargingSeconds || idleSeconds > own.idleSeconds) return false
  const previous = session.voucher
  if (previous && (chargingSeconds < previous.chargingSeconds || idleSeconds < previous.idleSeconds))
    return false
  const behind = own.chargingSeconds + own.idleSeconds - (chargingSeconds + idleSeconds)
  return behind <= runtime.config.payment.creditSeconds
}
