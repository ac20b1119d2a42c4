import type { Deployment } from '@chargechain/chain'
import type { Database } from '@chargechain/db'
import { type Logger, pino } from 'pino'
import type { Client } from 'viem'
import { getChainId } from 'viem/actions'
import { ChainIdMismatchError, IndexerError, InvalidIndexerConfigError } from './errors.js'
import { BlockRange } from './sync/blockRange.js'
import { type SyncReturnType, syncOnce } from './sync/syncOnce.js'

export interface CreateIndexerParameters {
  database: Database
  /** Any viem client on the deployment's chain (a public client is enough). */
  client: Client
  deployment: Deployment
  /** A row from a block with fewer confirmations than this (block > head − confirmations) is shown as pending. */
  confirmations: number
  /**
   * The deepest reorg the indexer undoes (blocks replaced below the cursor); deeper, or reaching a finalised block,
   * is a ReorgTooDeepError and the indexer stops. Default: `confirmations`.
   */
  finalityDepth?: number
  /** The most blocks one `eth_getLogs` asks for (fewer while a provider refuses that many). Default 5,000. */
  maxBlockRange?: number
  /** How often to look for new blocks once caught up. Default 2,000 ms. */
  pollIntervalMs?: number
  /** Default: silent. */
  logger?: Logger
}

export interface Indexer {
  /** Starts following the chain in the background; resolves once the node is checked to serve the right chain. */
  start(): Promise<void>
  /** Stops after the batch in progress (whose transaction commits or rolls back whole). */
  stop(): Promise<void>
  /** Brings the database up to the chain's current head once (tests and scripts; `start` calls it in a loop). */
  syncOnce(): Promise<SyncReturnType>
  /**
   * Settles when the background loop ends: resolves after `stop()`, rejects with the error that halted it
   * (ReorgTooDeepError, MissingHistoryError, LogRangeError, ChainIdMismatchError). Node and database outages are
   * retried, not fatal.
   */
  readonly done: Promise<void>
}

export type { SyncReturnType }

const retryDelaysMs = [1_000, 2_000, 5_000, 10_000, 30_000]

/** The chain indexer: registry, escrow and channel events into the database's rows. */
export function createIndexer(parameters: CreateIndexerParameters): Indexer {
  const { database, client, deployment, confirmations } = parameters
  const finalityDepth = parameters.finalityDepth ?? confirmations
  const maxBlockRange = parameters.maxBlockRange ?? 5_000
  const pollIntervalMs = parameters.pollIntervalMs ?? 2_000
  const logger = parameters.logger ?? pino({ level: 'silent' })
  checkWhole('confirmations', confirmations, 0)
  checkWhole('finalityDepth', finalityDepth, 0)
  checkWhole('maxBlockRange', maxBlockRange, 1)
  checkWhole('pollIntervalMs', pollIntervalMs, 1)

  const context = {
    db: database.db,
    client,
    deployment,
    confirmations,
    finalityDepth,
    range: new BlockRange(maxBlockRange),
    logger,
  }
  let chainChecked = false
  const checkChain = async () => {
    if (chainChecked) return
    const actual = await getChainId(client)
    if (actual !== deployment.chainId) throw new ChainIdMismatchError(deployment.chainId, actual)
    chainChecked = true
  }
  // One sync at a time in this process, whoever asks.
  let syncing: Promise<SyncReturnType> | undefined
  const sync = () => {
    syncing ??= checkChain()
      .then(() => syncOnce(context))
      .finally(() => {
        syncing = undefined
      })
    return syncing
  }

  let running = false
  let wake: (() => void) | undefined
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject }
  })
  // A caller that only awaits start() must not get an unhandled rejection from `done`.
  done.catch(() => {})
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })

  let loop: Promise<void> | undefined
  const run = async () => {
    let failures = 0
    while (running) {
      try {
        const synced = await sync()
        failures = 0
        if (synced.blockNumber < synced.head) continue
      } catch (error) {
        if (error instanceof IndexerError && !error.retryable) {
          logger.error({ err: error }, 'indexer stopped')
          running = false
          settle?.reject(error)
          return
        }
        const delay = retryDelaysMs[Math.min(failures, retryDelaysMs.length - 1)] ?? 30_000
        failures += 1
        logger.warn({ err: error, retryInMs: delay }, 'sync failed; retrying')
        await pause(delay)
        continue
      }
      if (running) await pause(pollIntervalMs)
    }
    settle?.resolve()
  }

  return {
    async start() {
      if (running) return
      await checkChain()
      running = true
      loop = run()
    },
    async stop() {
      running = false
      wake?.()
      await loop
      await syncing?.catch(() => {})
    },
    syncOnce: sync,
    done,
  }
}

function checkWhole(field: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw new InvalidIndexerConfigError(field, `a whole number ≥ ${min}`, value)
}
