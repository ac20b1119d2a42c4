import { join } from 'node:path'
import { openDatabase } from '@chargechain/db'
import { ensureFirstAdmin } from './firstAdmin.js'
import type { ServerLogger } from './logger.js'
import { type CreateServerOptions, createServer } from './server.js'

export interface StartEmbeddedServerOptions
  extends Partial<Pick<CreateServerOptions, 'host' | 'ocpp' | 'indexer' | 'staticDir' | 'dashboard'>> {
  /** The data folder: PGlite keeps the database in `<dataDir>/db`. */
  dataDir: string
  /** 0 picks a free port. */
  port: number
  logger?: ServerLogger
  env?: NodeJS.ProcessEnv
}

export interface EmbeddedServer {
  url: string
  adminUsername: string | undefined
  /** Only when this start created the first admin with a generated password: print it once. */
  adminPassword: string | undefined
  /** Closes the server, then the database. */
  close(): Promise<void>
}

/**
 * The management server on embedded defaults, for `npm start`: PGlite in `dataDir`, and a first admin (with a
 * generated password, unless CHARGECHAIN_ADMIN_PASSWORD says one) when the database has no account.
 */
export async function startEmbeddedServer(options: StartEmbeddedServerOptions): Promise<EmbeddedServer> {
  const database = await openDatabase({ engine: 'pglite', dataDir: join(options.dataDir, 'db') })
  try {
    const admin = await ensureFirstAdmin(database, { env: options.env ?? process.env, generate: true })
    const { dataDir: _dataDir, env: _env, ...rest } = options
    const server = await createServer({ ...rest, database })
    return {
      url: server.url,
      adminUsername: admin?.username,
      adminPassword: admin?.generatedPassword,
      async close() {
        await server.close()
        await database.close()
      },
    }
  } catch (error) {
    await database.close()
    throw error
  }
}
