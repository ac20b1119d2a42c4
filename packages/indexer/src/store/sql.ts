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

export type ArrayElement = string | number | bigint | null

// An element PostgreSQL's array input would read as something else unless quoted.
const needsQuotes = /^$|^null$|[{}",\\\s]/i

/** `values` as one PostgreSQL array parameter of `type` (`bigint`, `text`, `timestamptz`…). */
export function array(type: string, values: readonly ArrayElement[]): SQL {
  let text = '{'
  for (const [i, value] of values.entries()) {
    if (i > 0) text += ','
    if (value === null) text += 'NULL'
    else if (typeof value !== 'string') text += String(value)
    else if (needsQuotes.test(value)) text += `"${value.replace(/["\\]/g, '\\$&')}"`
    else text += value
  }
  return sql`${`${text}}`}::${sql.raw(type)}[]`
}

/**
 * One column of a batch (`field` of each row) as one array parameter, `unnest(…)` in a select list turning it back
 * into rows: far less to send and parse than the same rows as JSON objects (no key per value, no object per row),
 * which on PGlite is most of a large batch's cost.
 */
export function column<T>(type: string, rows: readonly T[], field: (row: T) => ArrayElement): SQL {
  return sql`unnest(${array(type, rows.map(field))})`
}
