import { ContractRevertedError } from '@chargechain/chain'
import { type Hash, hexToBytes, zeroHash } from 'viem'
import type { PileRuntime } from '../runtime.js'
import type { PileSession } from '../types.js'
import { type PileStep, sessionOf } from './types.js'
import { sessionAmount } from './vouchers.js'

/**
 * Makes the session's result final. Escrow: settle with the latest voucher (0 refunds the whole deposit), asking the
 * chain first so a resumed pile never settles twice. Channel: record the voucher in the operator's ledger, which
 * settles by its policy. Free: nothing to move.
 */
export const settling: PileStep<'settling'> =
  (runtime) =>
  async ({ data, logger }) => {
    const session = sessionOf(data, 'settling')
    runtime.refundWatch?.stop()
    let settleTx: Hash | undefined
    let amount = sessionAmount(session, session.voucher)
    if (session.escrow) ({ hash: settleTx, amount } = await settleEscrow(runtime, session, logger))
    else if (session.channel && session.voucher && session.voucher.amount > session.channel.base) {
      const entry = await runtime.ledger!.record(
        {
          channelId: session.channel.channelId,
          vehicle: session.vehicle!,
          cumulativeAmount: session.voucher.amount,
          signature: session.voucher.signature,
        },
        session.id,
      )
      if (entry.settledAmount >= session.voucher.amount) settleTx = entry.settleTx
    }
    logger.info(
      {
        session: session.id,
        kind: session.kind,
        energyWh: session.energyWh,
        amount: String(amount),
        settleTx,
      },
      'session settled',
    )
    return {
      event: 'SETTLED',
      data: { ...data, session: { ...session, amount, ...(settleTx ? { settleTx } : {}) } },
    }
  }

/**
 * Settles with the latest voucher unless the chain already has the session's end: a settle sent before a crash may
 * have been mined, and a car whose refund window passed has taken its deposit back (then nothing was earned).
 */
async function settleEscrow(
  runtime: PileRuntime,
  session: PileSession,
  logger: { error(object: object, message: string): void },
): Promise<{ hash: Hash | undefined; amount: bigint }> {
  const { chain } = runtime
  const escrow = session.escrow!
  const voucher = session.voucher
  const lookup = async () => {
    const { state } = await chain.getSession({ sessionId: escrow.sessionId, transactionHash: escrow.openTx })
    if (state.status === 'settled') return { hash: state.transactionHash, amount: state.amount }
    if (state.status === 'refunded') return { hash: undefined, amount: 0n }
    return undefined
  }
  const ended = await lookup()
  if (ended) return ended
  try {
    const { hash } = await chain.settleSession({
      session: escrow.session,
      energyWh: BigInt(voucher?.energyWh ?? 0),
      amount: voucher?.amount ?? 0n,
      ...(voucher ? { signature: voucher.signature } : {}),
    })
    return { hash, amount: voucher?.amount ?? 0n }
  } catch (error) {
    const after = await lookup()
    if (after) return after
    if (error instanceof ContractRevertedError && error.reason === 'RefundDeadlinePassed') {
      logger.error(
        { sessionId: escrow.sessionId, err: error },
        'settle window missed: the car may take its whole deposit back',
      )
      return { hash: undefined, amount: 0n }
    }
    throw error
  }
}

/** Tells the car what was charged and where to check it; a car that already left is not an error. */
export const receipt: PileStep<'receipt'> =
  (runtime) =>
  async ({ data, logger }) => {
    const session = sessionOf(data, 'receipt')
    const link = runtime.session
    if (link && !link.closed) {
      try {
        await link.send({
          type: 'Receipt',
          settleTxHash: hexToBytes(session.settleTx ?? zeroHash),
          energyWh: session.energyWh,
          amount: session.amount ?? 0n,
        })
      } catch (error) {
        logger.warn({ err: error, session: session.id }, 'receipt not delivered')
      }
    }
    runtime.emit('sessionFinished', {
      id: session.id,
      kind: session.kind ?? 'free',
      vehicle: session.vehicle!,
      energyWh: session.energyWh,
      amount: session.amount ?? 0n,
      ...(session.settleTx ? { settleTx: session.settleTx } : {}),
      ...(session.stopReason ? { stopReason: session.stopReason } : {}),
    })
    return { event: 'SENT' }
  }
