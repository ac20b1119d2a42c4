export {
  type CreateIndexerParameters,
  createIndexer,
  type Indexer,
  type IndexerStatus,
  type SyncReturnType,
} from './createIndexer.js'
export {
  ChainIdMismatchError,
  IndexerError,
  IndexerUnavailableError,
  InvalidIndexerConfigError,
  LogRangeError,
  MissingHistoryError,
  ReorgTooDeepError,
} from './errors.js'
export type { StoredEvent } from './events.js'
export { type RunIndexerOptions, runIndexer } from './runIndexer.js'
