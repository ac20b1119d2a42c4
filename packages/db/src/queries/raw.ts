import type { SQL } from 'drizzle-orm'
import type { Db } from '../database.js'

/** The rows a raw statement returned, on PGlite and node-postgres alike (both answer `{ rows }`). */
export async function queryRows(db: Db, statement: SQL): Promise<Record<string, unknown>[]> {
  const result: unknown = await db.execute(statement)
  if (result && typeof result === 'object' && 'rows' in result && Array.isArray(result.rows))
    return result.rows
  return []
}
