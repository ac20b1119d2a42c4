export {
  type CreateIndexerParameters,
  createIndexer,
  type Indexer,
  type SyncReturnType,
} from './createIndexer.js'
export {
  ChainIdMismatchError,
  IndexerError,
  InvalidIndexerConfigError,
  LogRangeError,
  MissingHistoryError,
  ReorgTooDeepError,
} from './errors.js'
export type { StoredEvent } from './events.js'
export { type RunIndexerOptions, runIndexer } from './runIndexer.js'
