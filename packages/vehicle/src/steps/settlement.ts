import type { Logger } from '@chargechain/agent-core'
import { closeLink, type VehicleRuntime, type VehicleStep } from '../runtime.js'
import { type ChargeSession, type EscrowSession, sessionOf, voucherOf } from '../session.js'
import type { VehicleSessionFinished } from '../types.js'
import { sessionShare } from './vouchers.js'

/**
 * Closes the books on the session. Escrow: the chain decides, never the receipt (never more than the car signed); if
 * the pile does not settle, the car requests a refund and takes the deposit back once the settle window is over. Channel:
 * the receipt's amount must not exceed what the car signed; the operator settles later.
 */
export const settlement: VehicleStep<'settlement'> =
  (runtime) =>
  async ({ data, signal, logger }) => {
    const session = sessionOf(data, 'settlement')
    // The receipt is journaled now: the pile may stop handing it over (after a restart here the link is gone, and the
    // pile hands it over again when the car next greets it).
    if (session.receipt) await runtime.session?.send({ type: 'VisitClosed' }).catch(() => {})
    await closeLink(runtime)
    const finished =
      session.kind === 'escrow'
        ? await settleEscrow(runtime, session, signal, logger)
        : summary(session, session.kind === 'free' ? 'free' : 'pending')
    const signed = sessionShare(session, voucherOf(session))
    if (session.receipt && session.receipt.amount > signed) {
      logger.error(
        { claimed: String(session.receipt.amount), signed: String(signed) },
        'receipt claims more than the car signed',
      )
    }
    runtime.emit('sessionFinished', finished)
    logger.info({ ...finished, amount: String(finished.amount) }, 'session finished')
    return { event: 'DONE', data: { ...data, session: undefined, completed: data.completed + 1 } }
  }

function summary(
  session: ChargeSession,
  outcome: VehicleSessionFinished['outcome'],
  amount = sessionShare(session, voucherOf(session)),
  settleTx?: `0x${string}`,
): VehicleSessionFinished {
  return {
    pileId: session.pileId,
    kind: session.kind,
    energyWh: voucherOf(session)?.energyWh ?? session.finalWh ?? 0,
    amount,
    outcome,
    ...(settleTx ? { settleTx } : {}),
  }
}

async function settleEscrow(
  runtime: VehicleRuntime,
  session: EscrowSession,
  signal: AbortSignal,
  logger: Logger,
): Promise<VehicleSessionFinished> {
  const { chain, clock, config } = runtime
  const { escrow } = session
  const lookup = () => chain.getSession({ sessionId: escrow.sessionId, transactionHash: escrow.openTx })
  // A receipt is the pile's word only: the car gives its settlement a while to appear on chain, then asks for its
  // refund, which the pile can still answer by settling within the window. Without a receipt it asks at once.
  const refundFrom = clock.now() + (session.receipt ? config.settleGraceMs : 0)
  for (;;) {
    const { state } = await lookup()
    if (state.status === 'settled') {
      const signed = session.voucher?.amount ?? 0n
      if (state.amount > signed)
        logger.error(
          { settled: String(state.amount), signed: String(signed) },
          'settled above the signed voucher',
        )
      return summary(session, 'settled', state.amount, state.transactionHash)
    }
    if (state.status === 'refunded') return summary(session, 'refunded', 0n, state.transactionHash)
    const now = Number((await chain.getBlock()).timestamp)
    if (state.status === 'open' && clock.now() >= refundFrom) {
      logger.warn({ sessionId: escrow.sessionId }, 'pile did not settle; requesting a refund')
      await chain.requestRefund({ session: (await lookup()).session })
    } else if (state.status === 'refundRequested' && now >= state.refundableAt) {
      await chain.refund({ session: (await lookup()).session })
    }
    await clock.sleep(config.settlementPollMs, signal)
  }
}
