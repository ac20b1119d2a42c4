import { and, asc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../database.js'
import { InvalidParameterError, NotFoundError } from '../errors.js'
import type { Hex } from '../schema/columns.js'
import { chargers, connectors, pileFreeVehicles, piles } from '../schema/index.js'
import { type Actor, writeAudit } from './audit.js'
import { conflict } from './constraint.js'

export type Pile = typeof piles.$inferSelect
export type Connector = typeof connectors.$inferSelect
export type ConnectorStatus = Connector['status']

/** What the operator edits: the prototype's fields. The registry's fields come from the chain only. */
export type PileMetadata = Pick<
  typeof piles.$inferInsert,
  | 'dmid'
  | 'name'
  | 'site'
  | 'installedOn'
  | 'brand'
  | 'model'
  | 'currentType'
  | 'guns'
  | 'ratedPowerW'
  | 'firmwareVersion'
  | 'latitude'
  | 'longitude'
  | 'address'
>

/** A pile with its connectors' live state, the free list and its OCPP identity. */
export interface PileView extends Pile {
  connectors: Connector[]
  freeVehicles: Hex[]
  chargerId: string | null
}

export async function createPile(db: Db, metadata: PileMetadata, actor: Actor): Promise<Pile> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(piles)
      .values(metadata)
      .returning()
      .catch(conflict(`pile ${metadata.dmid ?? ''}`))
    if (!row) throw new NotFoundError('pile returned by the insert')
    await writeAudit(tx, actor, 'pile.create', `pile:${row.id}`, undefined, row)
    return row
  })
}

/** Changes the operator's fields of a pile; throws NotFoundError if there is none. */
export async function updatePile(
  db: Db,
  id: number,
  patch: Partial<PileMetadata>,
  actor: Actor,
): Promise<Pile> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(piles).where(eq(piles.id, id)).for('update')
    if (!before) throw new NotFoundError(`pile ${id}`)
    const [after] = await tx
      .update(piles)
      .set(patch)
      .where(eq(piles.id, id))
      .returning()
      .catch(conflict(`pile ${id}`))
    if (!after) throw new NotFoundError(`pile ${id}`)
    await writeAudit(tx, actor, 'pile.update', `pile:${id}`, before, after)
    return after
  })
}

/** Deletes a pile that has no orders (its orders are history); its connectors, totals and charger go with it. */
export async function deletePile(db: Db, id: number, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx
      .delete(piles)
      .where(eq(piles.id, id))
      .returning()
      .catch(conflict(`pile ${id}`, 'it has orders; they keep its history'))
    if (!before) throw new NotFoundError(`pile ${id}`)
    await writeAudit(tx, actor, 'pile.delete', `pile:${id}`, before, undefined)
  })
}

export async function getPile(db: Db, id: number): Promise<PileView | undefined> {
  const [pile] = await db.select().from(piles).where(eq(piles.id, id))
  if (!pile) return undefined
  const [view] = await withLiveState(db, [pile])
  return view
}

export interface ListPilesParameters {
  owner?: Hex
  /** Piles with a greater id (the last id of the previous page). */
  afterId?: number
  /** 1–1000; 100 by default. */
  limit?: number
}

/** Piles in id order, with their live state. */
export async function listPiles(db: Db, parameters: ListPilesParameters = {}): Promise<PileView[]> {
  const { owner, afterId, limit = 100 } = parameters
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new InvalidParameterError('limit', 'a whole number from 1 to 1000', limit)
  const conditions: SQL[] = []
  if (owner !== undefined) conditions.push(eq(piles.owner, owner))
  if (afterId !== undefined) conditions.push(gt(piles.id, afterId))
  const rows = await db
    .select()
    .from(piles)
    .where(and(...conditions))
    .orderBy(asc(piles.id))
    .limit(limit)
  return withLiveState(db, rows)
}

async function withLiveState(db: Db, rows: Pile[]): Promise<PileView[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [connectorRows, freeRows, chargerRows] = await Promise.all([
    db
      .select()
      .from(connectors)
      .where(inArray(connectors.pileId, ids))
      .orderBy(asc(connectors.pileId), asc(connectors.connector)),
    db.select().from(pileFreeVehicles).where(inArray(pileFreeVehicles.pileId, ids)),
    db
      .select({ id: chargers.id, pileId: chargers.pileId })
      .from(chargers)
      .where(inArray(chargers.pileId, ids)),
  ])
  return rows.map((row) => ({
    ...row,
    connectors: connectorRows.filter((connector) => connector.pileId === row.id),
    freeVehicles: freeRows.filter((free) => free.pileId === row.id).map((free) => free.vehicle),
    chargerId: chargerRows.find((charger) => charger.pileId === row.id)?.id ?? null,
  }))
}

export interface ConnectorStatusUpdate {
  pileId: number
  connector: number
  status: ConnectorStatus
  errorCode?: string | null
  at: Date
  /** The order now on the connector; null when it ended; omitted to leave it. */
  orderId?: number | null
}

/**
 * Records a connector's state (an OCPP StatusNotification) and returns the row; the connector row appears on its
 * first report.
 */
export async function setConnectorStatus(db: Db, update: ConnectorStatusUpdate): Promise<Connector> {
  const values = {
    status: update.status,
    errorCode: update.errorCode ?? null,
    statusAt: update.at,
    ...(update.orderId === undefined ? {} : { orderId: update.orderId }),
  }
  const [row] = await db
    .insert(connectors)
    .values({ pileId: update.pileId, connector: update.connector, ...values })
    .onConflictDoUpdate({ target: [connectors.pileId, connectors.connector], set: values })
    .returning()
    .catch(conflict(`connector ${update.connector} of pile ${update.pileId}`, 'the pile does not exist'))
  if (!row) throw new NotFoundError(`connector ${update.connector} of pile ${update.pileId}`)
  return row
}

/** A pile's connection dropped: every connector shows offline until it reports again. */
export async function markPileOffline(db: Db, pileId: number, at: Date): Promise<void> {
  await db.update(connectors).set({ status: 'offline', statusAt: at }).where(eq(connectors.pileId, pileId))
}

export async function recordHeartbeat(db: Db, pileId: number, at: Date): Promise<void> {
  await db.update(piles).set({ lastHeartbeatAt: at }).where(eq(piles.id, pileId))
}

/** Many piles' heartbeats in one statement (the OCPP endpoint gathers them); a pile's latest time wins. */
export async function recordHeartbeats(
  db: Db,
  heartbeats: readonly { pileId: number; at: Date }[],
): Promise<void> {
  const latest = new Map<number, Date>()
  for (const { pileId, at } of heartbeats) {
    const known = latest.get(pileId)
    if (known === undefined || known.getTime() < at.getTime()) latest.set(pileId, at)
  }
  if (latest.size === 0) return
  const values = [...latest].map(
    ([pileId, at]) => sql`(${pileId}::integer, ${at.toISOString()}::timestamptz)`,
  )
  await db.execute(sql`
    update ${piles} set last_heartbeat_at = v.at
    from (values ${sql.join(values, sql`, `)}) as v (pile_id, at)
    where ${piles.id} = v.pile_id`)
}
