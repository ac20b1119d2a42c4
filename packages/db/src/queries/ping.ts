import { sql } from 'drizzle-orm'
import type { Db } from '../database.js'

/** Resolves once the database answers a trivial query (health checks). */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`)
}
