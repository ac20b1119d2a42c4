import type { Deployment } from '@chargechain/chain'
import type { Database } from '@chargechain/db'
import { type Logger, pino } from 'pino'
import type { Client } from 'viem'
import { getChainId } from 'viem/actions'
import {
  ChainIdMismatchError,
  IndexerError,
  IndexerUnavailableError,
  InvalidIndexerConfigError,
} from './errors.js'
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
  /**
   * How many times in a row a failed sync (node or database unreachable, any error the indexer does not know) is
   * retried; the next failure halts the loop with an IndexerUnavailableError. Default 20: about nine minutes.
   */
  maxRetries?: number
  /** The first wait after a failure; each further one doubles it, up to 30 s. Default 1,000 ms. */
  retryDelayMs?: number
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
   * (ReorgTooDeepError, MissingHistoryError, LogRangeError, ChainIdMismatchError, and IndexerUnavailableError after
   * `maxRetries` failures in a row). Node and database outages are retried with backoff until then, each logged.
   */
  readonly done: Promise<void>
  /** What the background loop is doing now, with the failure it is retrying after, if any. */
  status(): IndexerStatus
}

export interface IndexerStatus {
  /** `retrying`: the last sync failed and the loop waits to try again; `halted`: `done` rejected. */
  state: 'idle' | 'running' | 'retrying' | 'stopped' | 'halted'
  /** Failed syncs in a row. */
  failures: number
  lastError?: unknown
}

export type { SyncReturnType }

const maxRetryDelayMs = 30_000

/** The chain indexer: registry, escrow and channel events into the database's rows. */
export function createIndexer(parameters: CreateIndexerParameters): Indexer {
  const { database, client, deployment, confirmations } = parameters
  const finalityDepth = parameters.finalityDepth ?? confirmations
  const maxBlockRange = parameters.maxBlockRange ?? 5_000
  const pollIntervalMs = parameters.pollIntervalMs ?? 2_000
  const maxRetries = parameters.maxRetries ?? 20
  const retryDelayMs = parameters.retryDelayMs ?? 1_000
  const logger = parameters.logger ?? pino({ level: 'silent' })
  checkWhole('confirmations', confirmations, 0)
  checkWhole('finalityDepth', finalityDepth, 0)
  checkWhole('maxBlockRange', maxBlockRange, 1)
  checkWhole('pollIntervalMs', pollIntervalMs, 1)
  checkWhole('maxRetries', maxRetries, 0)
  checkWhole('retryDelayMs', retryDelayMs, 1)

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

  let status: IndexerStatus = { state: 'idle', failures: 0 }
  const halt = (error: unknown) => {
    running = false
    status = { ...status, state: 'halted', lastError: error }
    settle?.reject(error)
  }
  let loop: Promise<void> | undefined
  const run = async () => {
    while (running) {
      try {
        const synced = await sync()
        status = { state: 'running', failures: 0 }
        if (synced.blockNumber < synced.head) continue
      } catch (error) {
        if (error instanceof IndexerError && !error.retryable) {
          logger.error({ err: error }, 'indexer stopped')
          halt(error)
          return
        }
        const failures = status.failures + 1
        if (failures > maxRetries) {
          const unavailable = new IndexerUnavailableError(failures, error)
          logger.error({ err: unavailable }, 'indexer stopped')
          halt(unavailable)
          return
        }
        const delay = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (failures - 1))
        status = { state: 'retrying', failures, lastError: error }
        logger.warn({ err: error, failures, retryInMs: delay }, 'sync failed; retrying')
        await pause(delay)
        continue
      }
      if (running) await pause(pollIntervalMs)
    }
    status = { ...status, state: 'stopped' }
    settle?.resolve()
  }

  return {
    async start() {
      if (running) return
      await checkChain()
      running = true
      status = { state: 'running', failures: 0 }
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
    status: () => status,
  }
}

function checkWhole(field: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw new InvalidIndexerConfigError(field, `a whole number ≥ ${min}`, value)
}
