import { join } from 'node:path'
import { type Database, DataDirInUseError, databaseConfigFromEnv, openDatabase } from '@chargechain/db'
import { ServerError } from '../errors.js'

/** The embedded database is held by another process, most likely the running server. */
export class DatabaseBusyError extends ServerError {
  override readonly name = 'DatabaseBusyError'

  constructor(cause: DataDirInUseError) {
    super(
      `${cause.shortMessage} If that is the running server, make this change through its API or dashboard instead (an admin's POST /api/accounts, POST /api/chargers, PUT /api/id-tags/TAG).`,
      { cause },
    )
  }
}

/** PostgreSQL when DATABASE_URL is set, else PGlite in `<dataDir>/db`. */
export async function openCliDatabase(dataDir: string, env: NodeJS.ProcessEnv): Promise<Database> {
  try {
    return await openDatabase(databaseConfigFromEnv(join(dataDir, 'db'), env))
  } catch (error) {
    if (error instanceof DataDirInUseError) throw new DatabaseBusyError(error)
    throw error
  }
}

export async function withDatabase<T>(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  use: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openCliDatabase(dataDir, env)
  try {
    return await use(database)
  } finally {
    await database.close()
  }
}
