import { ContractRevertedError } from '@chargechain/chain'
import { isLinkFailure, type LinkSession } from '@chargechain/link'
import { type Hash, hexToBytes, zeroHash } from 'viem'
import { ChannelLedgerError } from '../errors.js'
import { answerWindow, closeLink, type PileRuntime, receive } from '../runtime.js'
import { type ChannelSession, type EscrowSession, sessionOf } from '../session.js'
import { reachCar } from './reach.js'
import type { PileStep } from './types.js'
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
    let amount = sessionAmount(session)
    if (session.kind === 'escrow') ({ hash: settleTx, amount } = await settleEscrow(runtime, session, logger))
    else if (session.kind === 'channel') settleTx = await recordChannel(runtime, session)
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

/** Records the channel session's final voucher in the operator's ledger; the settle tx if that settled it. */
async function recordChannel(runtime: PileRuntime, session: ChannelSession): Promise<Hash | undefined> {
  const { voucher, channel } = session
  if (!voucher || voucher.amount <= channel.base) return undefined
  if (!runtime.ledger)
    throw new ChannelLedgerError(
      `Channel session ${session.id} has a voucher to record but the agent has no channel ledger; pass the ledger it was taken with.`,
    )
  const entry = await runtime.ledger.record(
    {
      channelId: channel.channelId,
      vehicle: session.vehicle,
      cumulativeAmount: voucher.amount,
      signature: voucher.signature,
    },
    session.id,
  )
  return entry.settledAmount >= voucher.amount ? entry.settleTx : undefined
}

/**
 * Settles with the latest voucher unless the chain already has the session's end: a settle sent before a crash may
 * have been mined, and a car whose refund window passed has taken its deposit back (then nothing was earned).
 */
async function settleEscrow(
  runtime: PileRuntime,
  session: EscrowSession,
  logger: { error(object: object, message: string): void },
): Promise<{ hash: Hash | undefined; amount: bigint }> {
  const { chain } = runtime
  const { escrow, voucher } = session
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
      chargingSeconds: voucher?.chargingSeconds ?? 0,
      idleSeconds: voucher?.idleSeconds ?? 0,
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

/**
 * Tells the car what was charged and where to check it. The receipt is the car's word that its final voucher is on the
 * pile's journal (it was journaled before settling): until it has it, a car keeps rejoining to deliver that voucher
 * again. And the car's `VisitClosed` is the pile's word that the car journaled the receipt (a link acknowledgement
 * only says it arrived). So a car that lost the link, or died before journaling the receipt, is waited for as long as
 * it is at the pile (up to `reconnectTimeoutMs`) and handed the receipt again: it learns at once that its visit is
 * over. A car that already left, or stays silent for `answerTimeoutMs`, is not an error.
 */
export const receipt: PileStep<'receipt'> =
  (runtime) =>
  async ({ data, signal, logger }) => {
    const session = sessionOf(data, 'receipt')
    const message = {
      type: 'Receipt',
      settleTxHash: hexToBytes(session.settleTx ?? zeroHash),
      energyWh: session.energyWh,
      amount: session.amount ?? 0n,
    } as const
    const deadline = runtime.clock.now() + runtime.config.link.reconnectTimeoutMs
    for (;;) {
      const link = await reachCar(runtime, session, signal, undefined, deadline - runtime.clock.now())
      if (!link) {
        logger.warn({ session: session.id }, 'receipt not delivered: the car is gone')
        break
      }
      try {
        await link.send(message)
        if (!(await visitClosed(runtime, link, signal)))
          logger.warn({ session: session.id }, 'the car did not confirm its receipt')
        break
      } catch (error) {
        signal.throwIfAborted()
        if (!isLinkFailure(error)) throw error
        logger.warn({ err: error, session: session.id }, 'car gone before it kept its receipt')
        await closeLink(runtime)
      }
    }
    runtime.emit('sessionFinished', {
      id: session.id,
      kind: session.kind,
      vehicle: session.vehicle,
      energyWh: session.energyWh,
      amount: session.amount ?? 0n,
      ...(session.settleTx ? { settleTx: session.settleTx } : {}),
      ...(session.stopReason ? { stopReason: session.stopReason } : {}),
      ...(session.meterStartWh === undefined ? {} : { meterStartWh: session.meterStartWh }),
      ...(session.endedAt === undefined ? {} : { endedAt: session.endedAt }),
    })
    return { event: 'SENT' }
  }

/** Waits for the car's `VisitClosed` (other messages, such as a final voucher sent again, are done with); `false` when it stays silent. */
async function visitClosed(runtime: PileRuntime, link: LinkSession, signal: AbortSignal): Promise<boolean> {
  const left = answerWindow(runtime)
  for (;;) {
    const answer = await receive(link, { ...left(), signal })
    signal.throwIfAborted()
    if (!answer) return false
    if (answer.type === 'VisitClosed') return true
  }
}
