import { setTimeout as sleep } from 'node:timers/promises'
import { BaseError } from '@chargechain/errors'
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
  async ({ data, signal, logger }) => {
    const session = sessionOf(data, 'settling')
    let settleTx: Hash | undefined
    if (session.escrow) settleTx = await settleEscrow(runtime, session, signal)
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
    const amount = sessionAmount(session, session.voucher)
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

async function settleEscrow(runtime: PileRuntime, session: PileSession, signal: AbortSignal): Promise<Hash> {
  const { chain } = runtime
  const escrow = session.escrow!
  const lookup = () => chain.getSession({ sessionId: escrow.sessionId, transactionHash: escrow.openTx })
  const before = await lookup()
  if (before.state.status === 'settled' || before.state.status === 'refunded')
    return before.state.transactionHash
  const voucher = session.voucher
  for (let attempt = 1; ; attempt++) {
    try {
      const { hash } = await chain.settleSession({
        session: escrow.session,
        energyWh: BigInt(voucher?.energyWh ?? 0),
        amount: voucher?.amount ?? 0n,
        ...(voucher ? { signature: voucher.signature } : {}),
      })
      return hash
    } catch (error) {
      // A settle sent before a crash may have been mined in the meantime.
      const after = await lookup()
      if (after.state.status === 'settled') return after.state.transactionHash
      // "Not yet" (a session opened in this very block): the next block accepts it.
      if (!(error instanceof BaseError && error.retryable) || attempt >= SETTLE_ATTEMPTS) throw error
      await sleep(SETTLE_RETRY_MS, undefined, { signal })
    }
  }
}

const SETTLE_ATTEMPTS = 10
const SETTLE_RETRY_MS = 500

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
