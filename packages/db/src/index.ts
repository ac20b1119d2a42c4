export { checkReading, type MeterFlag, type Reading, type ReadingLimits } from './checkReading.js'
export type { Database, Db, Listen, ListenHandlers, Schema, Unlisten } from './database.js'
export {
  ConflictError,
  DatabaseAheadError,
  DatabaseUnavailableError,
  DataDirInUseError,
  DbError,
  InvalidCursorError,
  InvalidParameterError,
  MigrationChangedError,
  NotFoundError,
  StoredValueError,
} from './errors.js'
export { type LiveEvent, liveChannel, publishLive, publishLiveMany } from './live.js'
export { type MigrateReturnType, type Migration, migrate } from './migrate.js'
export { checkChannel, maxNotifyPayloadBytes, notify } from './notify.js'
export { type DatabaseConfig, databaseConfigFromEnv, type OpenDatabaseOptions, openDatabase } from './open.js'
export * from './queries/accounts.js'
export {
  type Actor,
  type AuditEntry,
  type ListAuditLogParameters,
  listAuditLog,
  writeAudit,
} from './queries/audit.js'
export * from './queries/chargers.js'
export { isReferenceViolation, sqlState } from './queries/constraint.js'
export * from './queries/disputes.js'
export * from './queries/instances.js'
export * from './queries/meterValues.js'
export * from './queries/ocpp.js'
export * from './queries/orders.js'
export * from './queries/piles.js'
export { ping } from './queries/ping.js'
export * from './queries/raw.js'
export * from './queries/recordMeterValues.js'
export * from './queries/totals.js'
export type { Hex } from './schema/columns.js'
export * from './schema/index.js'
