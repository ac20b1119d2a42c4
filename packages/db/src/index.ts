export type { Database, Db, Schema } from './database.js'
export {
  DatabaseAheadError,
  DatabaseUnavailableError,
  DataDirInUseError,
  DbError,
  InvalidCursorError,
  MigrationChangedError,
  StoredValueError,
} from './errors.js'
export { type MigrateReturnType, type Migration, migrate } from './migrate.js'
export { type DatabaseConfig, databaseConfigFromEnv, type OpenDatabaseOptions, openDatabase } from './open.js'
export type { Hex } from './schema/columns.js'
export * from './schema/index.js'
