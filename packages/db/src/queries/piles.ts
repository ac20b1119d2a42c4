import { and, asc, count, desc, eq, gt, ilike, inArray, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../database.js'
import { InvalidParameterError, NotFoundError } from '../errors.js'
import { publishLive } from '../live.js'
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
    await publishLive(tx, { type: 'pile', pileId: row.id })
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
    await publishLive(tx, { type: 'pile', pileId: id })
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
    await publishLive(tx, { type: 'pile', pileId: id })
  })
}

export async function getPile(db: Db, id: number): Promise<PileView | undefined> {
  const [pile] = await db.select().from(piles).where(eq(piles.id, id))
  if (!pile) return undefined
  const [view] = await withLiveState(db, [pile])
  return view
}

/** The id of the pile with this DMID, if there is one. */
export async function findPileIdByDmid(db: Db, dmid: string): Promise<number | undefined> {
  const [row] = await db.select({ id: piles.id }).from(piles).where(eq(piles.dmid, dmid))
  return row?.id
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

/** Columns a pile search can sort by: the operator's fields and when the pile was last heard of. */
export const pileSortColumns = {
  id: piles.id,
  dmid: piles.dmid,
  name: piles.name,
  site: piles.site,
  installedOn: piles.installedOn,
  brand: piles.brand,
  model: piles.model,
  currentType: piles.currentType,
  guns: piles.guns,
  ratedPowerW: piles.ratedPowerW,
  firmwareVersion: piles.firmwareVersion,
  owner: piles.owner,
  lastHeartbeatAt: piles.lastHeartbeatAt,
  createdAt: piles.createdAt,
} as const

export type PileSort = keyof typeof pileSortColumns

export interface SearchPilesParameters {
  /** Words found in the DMID, name, site, brand, model or address (case-insensitive, taken literally). */
  search?: string
  sort?: PileSort
  /** `asc` by default. */
  direction?: 'asc' | 'desc'
  /** Rows to skip; 0 by default. */
  offset?: number
  /** 1–1000; 50 by default. */
  limit?: number
}

export interface SearchPilesReturnType {
  piles: PileView[]
  /** How many piles the search matches in all. */
  total: number
}

/**
 * A page of piles for a table: searched, sorted by any column the operator sees, paged by offset (a fleet is
 * thousands of piles, not millions), with the total for the pager.
 */
export async function searchPiles(
  db: Db,
  parameters: SearchPilesParameters = {},
): Promise<SearchPilesReturnType> {
  const { search, sort = 'id', direction = 'asc', offset = 0, limit = 50 } = parameters
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new InvalidParameterError('limit', 'a whole number from 1 to 1000', limit)
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new InvalidParameterError('offset', 'a whole number from 0', offset)
  const column = pileSortColumns[sort]
  if (column === undefined)
    throw new InvalidParameterError('sort', Object.keys(pileSortColumns).join(', '), sort)
  const words = search?.trim() ? `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined
  const where =
    words === undefined
      ? undefined
      : or(
          ...[piles.dmid, piles.name, piles.site, piles.brand, piles.model, piles.address].map((field) =>
            ilike(field, words),
          ),
        )
  const order =
    direction === 'desc' ? [sql`${column} desc nulls last`, desc(piles.id)] : [asc(column), asc(piles.id)]
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(piles)
      .where(where)
      .orderBy(...order)
      .offset(offset)
      .limit(limit),
    db.select({ n: count() }).from(piles).where(where),
  ])
  return { piles: await withLiveState(db, rows), total: total?.n ?? 0 }
}

/** What the fleet overview counts a pile as, from its connectors: the worst news first. */
export type PileState = 'faulted' | 'charging' | 'online' | 'offline'

/**
 * How many piles are in each state: faulted if a connector is, else charging if one charges, else online if one
 * reports anything but offline, else offline (a pile that never connected included).
 */
export async function countPilesByState(db: Db): Promise<Record<PileState, number>> {
  const state = sql<PileState>`case
      when bool_or(${connectors.status} = 'faulted') then 'faulted'
      when bool_or(${connectors.status} = 'charging') then 'charging'
      when bool_or(${connectors.status} is not null and ${connectors.status} <> 'offline') then 'online'
      else 'offline' end`
  const perPile = db
    .select({ state: state.as('state') })
    .from(piles)
    .leftJoin(connectors, eq(connectors.pileId, piles.id))
    .groupBy(piles.id)
    .as('per_pile')
  const rows = await db.select({ state: perPile.state, n: count() }).from(perPile).groupBy(perPile.state)
  const counts: Record<PileState, number> = { faulted: 0, charging: 0, online: 0, offline: 0 }
  for (const row of rows) counts[row.state] = row.n
  return counts
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
