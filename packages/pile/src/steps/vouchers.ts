import {
  normalizeSignature,
  recoverChannelVoucherSigner,
  recoverVoucherSigner,
  tariffCost,
} from '@chargechain/chain'
import type { VoucherMessage } from '@chargechain/link'
import { bytesToHex, isAddressEqual } from 'viem'
import type { PileRuntime } from '../runtime.js'
import type { ChargeSession, PileVoucher } from '../session.js'

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
  // What the car owes for the energy and time it vouchers, to the wei as the escrow computes it. How many seconds the
  // car may claim is the time measurement's to bound; the escrow never pays more than the car signed for them.
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
  // The car rounds exactly as the escrow does; one unit of slack keeps a rounding difference from stopping a charge.
  if (share + 1n < owed) return undefined
  let signer: `0x${string}`
  try {
    if (session.kind === 'escrow') {
      if (share > owed || message.amount > session.escrow.session.deposit) return undefined
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
