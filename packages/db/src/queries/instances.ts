import { and, eq, inArray, isNull, ne, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../database.js'
import { chargers, ocppInstances } from '../schema/index.js'
import { takeConnectorsOffline } from './ocpp.js'
import type { Connector } from './piles.js'

// Liveness of OCPP server instances. Each instance keeps a row in ocpp_instances fresh; a charger counts as
// connected only while the instance holding it is alive. Times of liveness are the database's clock (`now()`), so
// instances on machines whose clocks differ still agree on who lapsed.

/** How often an instance refreshes its row, and how old a row may get before its instance counts as gone. */
export const instanceLivenessDefaults = { refreshMs: 10_000, lapseMs: 30_000 } as const

/** A charger whose connection was recorded closed, and the connectors of its pile that went offline with it. */
export interface OfflineCharger {
  chargerId: string
  pileId: number
  connectors: Connector[]
}

/** `alive_at` is within `lapseMs` of the database's now. */
export function instanceAlive(lapseMs: number): SQL<boolean> {
  return sql<boolean>`${ocppInstances.aliveAt} >= now() - ${Math.round(lapseMs)}::integer * interval '1 millisecond'`
}

/** Instance `id` is alive now: its row, made or renewed (at start, or after others took it for gone). */
export async function registerInstance(db: Db, id: string): Promise<void> {
  await db
    .insert(ocppInstances)
    .values({ id, startedAt: sql`now()`, aliveAt: sql`now()` })
    .onConflictDoUpdate({ target: ocppInstances.id, set: { startedAt: sql`now()`, aliveAt: sql`now()` } })
}

/**
 * The instance's periodic "still here": one small UPDATE. False when its row is gone — another instance found it
 * lapsed and closed its connections; the caller should drop them and register again.
 */
export async function refreshInstance(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(ocppInstances)
    .set({ aliveAt: sql`now()` })
    .where(eq(ocppInstances.id, id))
    .returning({ id: ocppInstances.id })
  return rows.length > 0
}

/**
 * A clean stop, once the instance recorded its connections' closes: the row goes, and a connection still recorded
 * open under it (its close's write failed) is closed at `at` and returned.
 */
export async function removeInstance(db: Db, id: string, at: Date): Promise<OfflineCharger[]> {
  return db.transaction(async (tx) => {
    await tx.delete(ocppInstances).where(eq(ocppInstances.id, id))
    return closeInstanceConnections(tx, [id], at)
  })
}

export interface ReapLapsedInstancesParameters {
  /** The instance doing it, never reaped by itself. */
  self: string
  lapseMs: number
  /** The time written as the connections' close. */
  at: Date
}

/**
 * Instances other than `self` whose row lapsed: their connections are closed at `at` (disconnectedAt, connectors
 * offline) and their rows removed, in one transaction. The rows are locked and locked ones skipped, so two
 * instances doing this at once split the work and close each connection once; a charger that connected to another
 * instance meanwhile names that instance and is left alone.
 */
export async function reapLapsedInstances(
  db: Db,
  parameters: ReapLapsedInstancesParameters,
): Promise<{ instances: string[]; chargers: OfflineCharger[] }> {
  const { self, lapseMs, at } = parameters
  return db.transaction(async (tx) => {
    const lapsed = await tx
      .select({ id: ocppInstances.id })
      .from(ocppInstances)
      .where(and(ne(ocppInstances.id, self), sql`not (${instanceAlive(lapseMs)})`))
      .for('update', { skipLocked: true })
    const instances = lapsed.map((row) => row.id).sort()
    if (instances.length === 0) return { instances, chargers: [] }
    const closed = await closeInstanceConnections(tx, instances, at)
    await tx.delete(ocppInstances).where(inArray(ocppInstances.id, instances))
    return { instances, chargers: closed }
  })
}

/**
 * Closes at `at` the open connections recorded under `instances`, with their piles' connectors: what a close
 * writes, for connections whose instance cannot write it. An instance starting calls it for its own name (what is
 * recorded under it is from an earlier run).
 */
export async function closeInstanceConnections(
  db: Db,
  instances: string[],
  at: Date,
): Promise<OfflineCharger[]> {
  // The UPDATE's condition is checked again on a row another transaction changed meanwhile: a charger that just
  // connected elsewhere no longer names these instances and is skipped.
  const closed = await db
    .update(chargers)
    .set({ disconnectedAt: at })
    .where(and(inArray(chargers.instanceId, instances), isNull(chargers.disconnectedAt)))
    .returning({ chargerId: chargers.id, pileId: chargers.pileId })
  if (closed.length === 0) return []
  const rows = await takeConnectorsOffline(
    db,
    closed.map((row) => row.pileId),
    at,
  )
  return closed
    .sort((x, y) => (x.chargerId < y.chargerId ? -1 : x.chargerId > y.chargerId ? 1 : 0))
    .map(({ chargerId, pileId }) => ({
      chargerId,
      pileId,
      connectors: rows.filter((row) => row.pileId === pileId).sort((x, y) => x.connector - y.connector),
    }))
}
