export * from './client/index.js'
export {
  ChargerOfflineError,
  ChargerRejectedError,
  CommandTargetError,
  CommandTimeoutError,
  OcppClientError,
  OcppError,
  OcppOptionsError,
} from './errors.js'
export type { OcppLogger } from './logger.js'
export {
  type ChargechainMessageId,
  type ChargechainRefusal,
  type ChargechainRequest,
  type ChargechainResponse,
  type ChargePointErrorCode,
  type ChargePointStatus,
  chargechainMessages,
  type StopReason,
  vendorId,
} from './messages.js'
export { CallError, ConnectFailedError, type OcppErrorCode, PayloadInvalidError } from './rpc.js'
export { type ChargerSession, hashChargerPassword } from './server/auth.js'
export type {
  ChargerAction,
  ChargerCommands,
  CommandOptions,
  ConfigurationKey,
} from './server/commands.js'
export { type CreateOcppServerOptions, createOcppServer, type OcppServer } from './server/createOcppServer.js'
export type { ChannelVoucherVerifier } from './server/dataTransfer.js'
export { connectorStatusOf } from './server/status.js'
