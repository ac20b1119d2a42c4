import {
  normalizeSignature,
  priceOf,
  recoverChannelVoucherSigner,
  recoverVoucherSigner,
} from '@chargechain/chain'
import type { VoucherMessage } from '@chargechain/link'
import { bytesToHex, isAddressEqual } from 'viem'
import type { PileRuntime } from '../runtime.js'
import type { PileSession, PileVoucher } from '../types.js'

/** This session's share of a voucher: all of an escrow voucher, a channel voucher minus the channel's base. */
export function sessionAmount(session: PileSession, voucher: PileVoucher | undefined): bigint {
  if (!voucher) return 0n
  return session.channel ? voucher.amount - session.channel.base : voucher.amount
}

/**
 * Checks a voucher against the pile's own meter: signed by the session's car for this session, cumulative (never
 * below the last one), for no more energy than was metered, and paying the tariff for it. `undefined` = refused.
 */
export async function verifyVoucher(
  runtime: PileRuntime,
  session: PileSession,
  message: VoucherMessage,
): Promise<PileVoucher | undefined> {
  const { chain } = runtime
  const signature = bytesToHex(message.signature)
  const energyWh = message.energyWh
  const previous = session.voucher
  if (energyWh > session.energyWh) return undefined
  if (previous && (energyWh < previous.energyWh || message.amount < previous.amount)) return undefined
  const owed = priceOf(BigInt(energyWh), session.pricePerKWh ?? 0n)
  const candidate: PileVoucher = {
    energyWh,
    amount: message.amount,
    signature: normalizeSignature(signature),
  }
  const share = sessionAmount(session, candidate)
  // The car rounds exactly as the escrow does; one unit of slack keeps a rounding difference from stopping a charge.
  if (share + 1n < owed) return undefined
  let signer: `0x${string}`
  try {
    if (session.escrow) {
      if (share > owed || message.amount > session.escrow.session.deposit) return undefined
      signer = await recoverVoucherSigner({
        chainId: chain.deployment.chainId,
        escrow: chain.deployment.contracts.sessionEscrow,
        sessionId: session.escrow.sessionId,
        energyWh: BigInt(energyWh),
        amount: message.amount,
        signature,
      })
    } else if (session.channel) {
      if (share > session.channel.remaining) return undefined
      signer = await recoverChannelVoucherSigner({
        chainId: chain.deployment.chainId,
        channels: chain.deployment.contracts.paymentChannels,
        channelId: session.channel.channelId,
        cumulativeAmount: message.amount,
        signature,
      })
    } else return undefined
  } catch {
    return undefined
  }
  return isAddressEqual(signer, session.vehicle!) ? candidate : undefined
}
