import type { Hash, Hex } from 'viem'
import type { PileRuntime } from './runtime.js'

/** Watches one escrow session for the car's `RefundRequested`; `requested` aborts when it comes. */
export interface RefundWatch {
  sessionId: Hex
  /** Aborted once the car asked for its deposit back: the pile stops waiting and settles with what it holds. */
  requested: AbortSignal
  stop(): void
}

/**
 * Starts watching the session (idempotent for the same session). A car that asks for a refund gives the pile the
 * settle window to settle its latest voucher; after that the whole deposit goes back to the car. The current status
 * is read once too, so a request made while the agent was down is not missed.
 */
export function watchRefund(
  runtime: PileRuntime,
  escrow: { sessionId: Hex; openTx: Hash },
  logger: { warn(object: object, message: string): void },
): RefundWatch {
  if (runtime.refundWatch?.sessionId === escrow.sessionId) return runtime.refundWatch
  runtime.refundWatch?.stop()
  const controller = new AbortController()
  const requested = () => {
    if (controller.signal.aborted) return
    logger.warn({ sessionId: escrow.sessionId }, 'car requested a refund; settling with the latest voucher')
    controller.abort()
  }
  const unwatch = runtime.chain.watchChargeChainEvents({
    onEvents: (events) => {
      const match = events.some(
        (event) =>
          event.contract === 'sessionEscrow' &&
          event.eventName === 'RefundRequested' &&
          event.args.sessionId.toLowerCase() === escrow.sessionId.toLowerCase(),
      )
      if (match) requested()
    },
    onError: (error) => logger.warn({ err: error }, 'refund watch: chain poll failed'),
  })
  void runtime.chain
    .getSession({ sessionId: escrow.sessionId, transactionHash: escrow.openTx })
    .then(({ state }) => {
      if (state.status === 'refundRequested') requested()
    })
    .catch((error: unknown) => logger.warn({ err: error }, 'refund watch: status read failed'))
  const watch: RefundWatch = {
    sessionId: escrow.sessionId,
    requested: controller.signal,
    stop: () => {
      unwatch()
      if (runtime.refundWatch === watch) runtime.refundWatch = undefined
    },
  }
  runtime.refundWatch = watch
  return watch
}
