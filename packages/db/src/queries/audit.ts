import { and, desc, eq, lt, type SQL } from 'drizzle-orm'
import type { Db } from '../database.js'
import { InvalidParameterError } from '../errors.js'
import { auditLog } from '../schema/index.js'

/** Who made a change: a signed-in account, or the command line / the server itself (`accountId` null). */
export interface Actor {
  accountId: number | null
  /** The account's username, or `cli` / `system`. */
  name: string
}

export type AuditEntry = typeof auditLog.$inferSelect

/** Columns never copied into the log: secrets stay out of it even hashed. */
const REDACTED = /hash$|signature$/i

/**
 * Logs one change, in the caller's transaction so the log and the change commit together. `before` and `after`
 * are rows as the queries return them; bigints and dates become strings, hashes are left out.
 */
export async function writeAudit(
  db: Db,
  actor: Actor,
  action: string,
  subject: string,
  before: object | undefined,
  after: object | undefined,
): Promise<void> {
  await db.insert(auditLog).values({
    accountId: actor.accountId,
    actor: actor.name,
    action,
    subject,
    before: before === undefined ? null : toJson(before),
    after: after === undefined ? null : toJson(after),
  })
}

function toJson(row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    if (REDACTED.test(key)) continue
    out[key] =
      typeof value === 'bigint' ? value.toString() : value instanceof Date ? value.toISOString() : value
  }
  return out
}

export interface ListAuditLogParameters {
  /** One thing's history: `pile:12`. */
  subject?: string
  /** Entries older than this id (the last id of the previous page). */
  beforeId?: number
  /** 1–1000; 100 by default. */
  limit?: number
}

/** The log, newest first. */
export async function listAuditLog(db: Db, parameters: ListAuditLogParameters = {}): Promise<AuditEntry[]> {
  const { subject, beforeId, limit = 100 } = parameters
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new InvalidParameterError('limit', 'a whole number from 1 to 1000', limit)
  const conditions: SQL[] = []
  if (subject !== undefined) conditions.push(eq(auditLog.subject, subject))
  if (beforeId !== undefined) conditions.push(lt(auditLog.id, beforeId))
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(limit)
}
