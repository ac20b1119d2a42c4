import type { Db } from '@chargechain/db'
import { type SQL, sql } from 'drizzle-orm'

/** The rows a raw statement returned, on PGlite and node-postgres alike (both answer `{ rows }`). */
export async function query(db: Db, statement: SQL): Promise<Record<string, unknown>[]> {
  const result: unknown = await db.execute(statement)
  if (result && typeof result === 'object' && 'rows' in result && Array.isArray(result.rows))
    return result.rows
  return []
}

/**
 * One parameter holding a whole batch as JSON, which `jsonb_to_recordset` turns back into rows: a thousand rows
 * cost one statement and one parameter, never the 65,535-parameter limit.
 */
export function jsonRows(rows: readonly object[]): SQL {
  return sql`${JSON.stringify(rows, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))}::jsonb`
}

/** A list of text values for `= any(…)`, as one JSON parameter. */
export function textList(values: Iterable<string>): SQL {
  return sql`(select jsonb_array_elements_text(${JSON.stringify([...values])}::jsonb))`
}
