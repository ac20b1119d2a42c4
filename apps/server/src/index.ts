export { type AppOptions, createApp } from './app.js'
export { defaultLoginLimits, type LoginLimits } from './auth/loginLimiter.js'
export { channelVoucherVerifier } from './channelVouchers.js'
export { type EmbeddedServer, type StartEmbeddedServerOptions, startEmbeddedServer } from './embedded.js'
export { HttpProblem, ListenError, ServerError, TlsConfigError, UsageError } from './errors.js'
export { adminPasswordVariable, adminUserVariable, ensureFirstAdmin, type FirstAdmin } from './firstAdmin.js'
export type { ServerLogger } from './logger.js'
export type { ChargerCommands } from './ocpp.js'
export {
  type CreateServerOptions,
  createServer,
  type IndexerLike,
  type OcppSettings,
  type RunningServer,
} from './server.js'
