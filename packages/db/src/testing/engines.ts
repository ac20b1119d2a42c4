import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Database } from '../database.js'
import { openDatabase } from '../open.js'

/** A database engine the tests run on; `open` gives a fresh, migrated, empty database each call. */
export interface TestEngine {
  name: 'pglite' | 'postgres'
  open(): Promise<Database>
}

/** The PostgreSQL server tests may use: `TEST_DATABASE_URL` (`.ci/run` sets it), or none. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL?.trim() || undefined

export interface ScratchDatabase {
  /** The new database's URL: open as many pools on it as the test needs. */
  url: string
  /** Drops it, closing whatever connections are left. */
  drop(): Promise<void>
}

/**
 * Creates an empty database of its own on the server `serverUrl` points at, so test files running at the same time
 * never see each other's rows. (Schemas would not do: drizzle-kit writes `"public".` into foreign keys.)
 */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const name = `chargechain_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await admin(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`) }
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

const pglite: TestEngine = {
  name: 'pglite',
  open: () => openDatabase({ engine: 'pglite' }),
}

function postgres(serverUrl: string): TestEngine {
  return {
    name: 'postgres',
    async open() {
      const scratch = await createScratchDatabase(serverUrl)
      const database = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 4 }).catch(
        async (error: unknown) => {
          await scratch.drop()
          throw error
        },
      )
      let closing: Promise<void> | undefined
      return {
        ...database,
        close: () => {
          closing ??= database.close().then(scratch.drop)
          return closing
        },
      }
    },
  }
}

/**
 * The engines every database test loops over: PGlite always, PostgreSQL when `TEST_DATABASE_URL` is set.
 * `for (const engine of testEngines) describe(engine.name, () => …)`.
 */
export const testEngines: readonly TestEngine[] =
  testDatabaseUrl === undefined ? [pglite] : [pglite, postgres(testDatabaseUrl)]
