import { BaseError } from '@chargechain/errors'

/** Every error the indexer raises. `retryable` says whether the loop retries (a node or database down) or halts. */
export abstract class IndexerError extends BaseError {}

/**
 * The chain replaced a block the indexer treats as final: the common ancestor is below the finalised block or
 * further back than `finalityDepth`. Nothing is written; the indexer stops rather than keep wrong rows.
 */
export class ReorgTooDeepError extends IndexerError {
  override readonly name = 'ReorgTooDeepError'
  constructor(
    readonly blockNumber: number,
    readonly finalizedBlock: number,
    readonly finalityDepth: number,
  ) {
    super(
      `The chain replaced block ${blockNumber}, at or below the finalised block ${finalizedBlock} or deeper than ${finalityDepth} blocks; re-index from scratch (empty the indexer's tables) or raise finalityDepth and confirmations.`,
    )
  }
}

/** A configuration value is out of range. */
export class InvalidIndexerConfigError extends IndexerError {
  override readonly name = 'InvalidIndexerConfigError'
  constructor(field: string, expected: string, value: unknown) {
    super(`Indexer setting ${field} must be ${expected}; got ${String(value)}.`)
  }
}

/** The RPC node serves another chain than the deployment's. */
export class ChainIdMismatchError extends IndexerError {
  override readonly name = 'ChainIdMismatchError'
  constructor(expected: number, actual: number) {
    super(
      `The RPC node serves chain ${actual} but the deployment is on chain ${expected}; point the indexer at the deployment's chain.`,
    )
  }
}

/**
 * The provider refuses even a one-block `eth_getLogs` (it caps by results, and one block holds more): nothing can
 * be read through it.
 */
export class LogRangeError extends IndexerError {
  override readonly name = 'LogRangeError'
  constructor(blockNumber: bigint, cause: unknown) {
    super(
      `The RPC provider refuses eth_getLogs even for block ${blockNumber} alone; use a provider without that cap.`,
      { cause },
    )
  }
}

/**
 * An event refers to a pile, session or channel the indexer never saw opened: the deployment's start block is later
 * than the contracts' first events, or the chain_events table was edited.
 */
export class MissingHistoryError extends IndexerError {
  override readonly name = 'MissingHistoryError'
  constructor(what: string, subject: string, eventName: string) {
    super(
      `Event ${eventName} names ${what} ${subject}, whose opening the indexer has not seen; check the deployment's startBlock and re-index.`,
    )
  }
}

/**
 * Syncing failed `failures` times in a row with errors the indexer cannot act on (the node or the database
 * unreachable, or something unexpected): the loop stops rather than retry without end. The last failure is the cause.
 */
export class IndexerUnavailableError extends IndexerError {
  override readonly name = 'IndexerUnavailableError'
  constructor(
    readonly failures: number,
    cause: unknown,
  ) {
    super(
      `The indexer failed ${failures} times in a row; check that the RPC node and the database are reachable, then restart it.`,
      { cause },
    )
  }
}

/**
 * A log's data or topics do not decode as its event's ABI (a bool other than 0 or 1, data too short…). Never
 * thrown out of the indexer: such a log is left out, as decodeChargeChainLogs leaves it out.
 */
export class LogDecodingError extends IndexerError {
  override readonly name = 'LogDecodingError'
  constructor(reason: string) {
    super(`A log does not decode as its event (${reason}); it is left out.`)
  }
}
