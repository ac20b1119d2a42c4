// The pile's side of OCPP, importable without the server's database: `@chargechain/ocpp/client`.
export { ChargerRejectedError, OcppClientError, OcppError } from '../errors.js'
export type { OcppLogger } from '../logger.js'
export {
  type ChargechainResponse,
  type ChargePointErrorCode,
  type ChargePointStatus,
  type StopReason,
  vendorId,
} from '../messages.js'
export { ConnectFailedError } from '../rpc.js'
export type { CommandTransaction, OcppClientHandlers } from './commands.js'
export {
  type ChainSession,
  type CreateOcppClientOptions,
  createOcppClient,
  type OcppClient,
  type OcppClientState,
} from './createOcppClient.js'
export { type FileQueueOptions, openFileQueue } from './fileQueue.js'
export type { Reading } from './meter.js'
export {
  createMemoryQueue,
  type LearnedTransaction,
  type NewQueuedMessage,
  type OcppQueue,
  type QueueContents,
  type QueuedAction,
  type QueuedMessage,
} from './queue.js'
