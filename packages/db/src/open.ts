import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import type { Database } from './database.js'
import { lockDataDir } from './dataDirLock.js'
import { DatabaseUnavailableError } from './errors.js'
import { postgresListener } from './listener.js'
import { migrate } from './migrate.js'
import { checkChannel } from './notify.js'
import * as schema from './schema/index.js'

/** Embedded PGlite in a data folder (or in memory without one), or a PostgreSQL server. */
export type DatabaseConfig =
  | {
      engine: 'pglite'
      /** The folder PGlite keeps its files in, created if missing; omitted: in memory, gone on close. */
      dataDir?: string
    }
  | {
      engine: 'postgres'
      /** `postgres://user:password@host:port/database` */
      url: string
      /** Pool size; 10 by default. */
      maxConnections?: number
      /** Told when an idle pooled connection breaks (the server restarted); the pool replaces it by itself. */
      onConnectionError?: (error: Error) => void
    }

export interface OpenDatabaseOptions {
  /** Apply the migrations this build has (default). Off only for tools that inspect a database as it is. */
  migrate?: boolean
}

// Column names are snake_case in SQL, camelCase in TypeScript; drizzle-kit generates with the same setting.
const casing = 'snake_case'

/** Opens the database `config` names and brings its schema up to date. */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const database = config.engine === 'pglite' ? await openPglite(config.dataDir) : await openPostgres(config)
  if (options.migrate === false) return database
  try {
    await migrate(database.db)
    return database
  } catch (error) {
    await database.close()
    throw error
  }
}

/**
 * The configuration the environment asks for: PostgreSQL when `DATABASE_URL` is set, else PGlite in `dataDir`.
 */
export function databaseConfigFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim()
  return url ? { engine: 'postgres', url } : { engine: 'pglite', dataDir }
}

// A new WAL segment is created by writing its 16 MB of zeros first, which PGlite's in-memory file system does by
// growing the file write after write, copying it each time (a 10,000-session catch-up writes 30 MB of WAL: ~60 ms
// of its ~1 s in the database). Without the zeros the segment is created at its full size at once. PGlite runs with
// fsync off anyway: the zeros only reserve disk space ahead, they make nothing more durable.
const startParams = [...PGlite.defaultStartParams, '-c', 'wal_init_zero=off']

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const unlock = dataDir === undefined ? async () => {} : await lockDataDir(dataDir)
  let client: PGlite
  try {
    client = await PGlite.create({ ...(dataDir === undefined ? {} : { dataDir }), startParams })
  } catch (error) {
    await unlock()
    throw new DatabaseUnavailableError(dataDir ?? 'memory', error)
  }
  let closing: Promise<void> | undefined
  return {
    db: drizzlePglite({ client, schema, casing }),
    engine: 'pglite',
    location: dataDir ?? 'memory',
    async listen(channel, handlers) {
      const unlisten = await client.listen(checkChannel(channel), (payload) => handlers.onMessage(payload))
      return () => unlisten()
    },
    close: () => {
      closing ??= client.close().finally(unlock)
      return closing
    },
  }
}

async function openPostgres(config: Extract<DatabaseConfig, { engine: 'postgres' }>): Promise<Database> {
  const location = withoutPassword(config.url)
  const pool = new pg.Pool({ connectionString: config.url, max: config.maxConnections ?? 10 })
  pool.on('error', config.onConnectionError ?? (() => {}))
  try {
    // Fail here, with the location, rather than at the first query.
    const connection = await pool.connect()
    connection.release()
  } catch (error) {
    await pool.end()
    throw new DatabaseUnavailableError(location, error)
  }
  const listener = postgresListener(config.url)
  let closing: Promise<void> | undefined
  return {
    db: drizzlePostgres({ client: pool, schema, casing }),
    engine: 'postgres',
    location,
    listen: listener.listen,
    close: () => {
      closing ??= Promise.all([listener.close(), pool.end()]).then(() => {})
      return closing
    },
  }
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'the PostgreSQL URL (unparsable)'
  }
}
