import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../database.js'
import { NotFoundError } from '../errors.js'
import { chargers, idTags, ocppInstances } from '../schema/index.js'
import { type Actor, writeAudit } from './audit.js'
import { conflict } from './constraint.js'
import { instanceAlive, instanceLivenessDefaults } from './instances.js'

export type Charger = typeof chargers.$inferSelect
export type IdTag = typeof idTags.$inferSelect

export interface AddChargerParameters {
  /** The charge point identity, as in `ws://host/ocpp/ID`. */
  id: string
  pileId: number
  /** A PHC string from the server's password hashing; never the password. */
  passwordHash: string
}

/** Registers OCPP credentials for a pile (one charger per pile). */
export async function addCharger(db: Db, parameters: AddChargerParameters, actor: Actor): Promise<Charger> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(chargers)
      .values(parameters)
      .returning()
      .catch(conflict(`charger ${parameters.id}`, `pile ${parameters.pileId} does not exist`))
    if (!row) throw new NotFoundError(`charger ${parameters.id}`)
    await writeAudit(tx, actor, 'charger.add', `charger:${row.id}`, undefined, row)
    return row
  })
}

/** A charger by its identity, with the hash its password is checked against; undefined: refuse the upgrade. */
export async function findCharger(db: Db, id: string): Promise<Charger | undefined> {
  const [row] = await db.select().from(chargers).where(eq(chargers.id, id))
  return row
}

/**
 * A charger as listed: never its password hash nor its instance. Connected while its newest connection has not
 * recorded a close and the server instance holding it is alive.
 */
export type ChargerView = Omit<Charger, 'passwordHash' | 'instanceId'> & { connected: boolean }

/** A charger's row as the operator sees it just after `addCharger`: not connected yet (it could not have). */
export function chargerView({ passwordHash: _hash, instanceId: _instance, ...row }: Charger): ChargerView {
  return { ...row, connected: false }
}

/**
 * Every registered charger, by identity; `lapseMs`: how old an instance's `aliveAt` may be for its chargers to
 * count as connected (the instances' setting).
 */
export async function listChargers(
  db: Db,
  lapseMs: number = instanceLivenessDefaults.lapseMs,
): Promise<ChargerView[]> {
  return db
    .select({
      id: chargers.id,
      pileId: chargers.pileId,
      createdAt: chargers.createdAt,
      lastConnectedAt: chargers.lastConnectedAt,
      disconnectedAt: chargers.disconnectedAt,
      connected: sql<boolean>`coalesce(${chargers.lastConnectedAt} is not null and ${chargers.disconnectedAt} is null and ${instanceAlive(lapseMs)}, false)`,
    })
    .from(chargers)
    .leftJoin(ocppInstances, eq(ocppInstances.id, chargers.instanceId))
    .orderBy(asc(chargers.id))
}

export async function setChargerPassword(
  db: Db,
  id: string,
  passwordHash: string,
  actor: Actor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.update(chargers).set({ passwordHash }).where(eq(chargers.id, id)).returning()
    if (!row) throw new NotFoundError(`charger ${id}`)
    // The log says the password changed; the hash stays out of it.
    await writeAudit(tx, actor, 'charger.password', `charger:${id}`, undefined, row)
  })
}

export async function removeCharger(db: Db, id: string, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(chargers).where(eq(chargers.id, id)).returning()
    if (!row) throw new NotFoundError(`charger ${id}`)
    await writeAudit(tx, actor, 'charger.remove', `charger:${id}`, row, undefined)
  })
}

/**
 * A connection of the charger opened at `at` on server instance `instanceId`: it is the newest, and open until
 * markChargerOffline closes it or the instance lapses. The instance is written with `lastConnectedAt`, so the close
 * of an older connection (guarded by its `lastConnectedAt`) and an instance's lapse never touch this one.
 */
export async function recordChargerConnected(
  db: Db,
  id: string,
  at: Date,
  instanceId: string,
): Promise<void> {
  await db
    .update(chargers)
    .set({ lastConnectedAt: at, disconnectedAt: null, instanceId })
    .where(eq(chargers.id, id))
}

export type IdTagInput = Pick<
  typeof idTags.$inferInsert,
  'tag' | 'status' | 'expiresAt' | 'parentTag' | 'label'
>

/** Adds an RFID card, or replaces one: fields left out are cleared. */
export async function putIdTag(db: Db, input: IdTagInput, actor: Actor): Promise<IdTag> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(idTags).where(eq(idTags.tag, input.tag)).for('update')
    const { tag } = input
    const fields = {
      status: input.status ?? 'accepted',
      expiresAt: input.expiresAt ?? null,
      parentTag: input.parentTag ?? null,
      label: input.label ?? null,
    }
    const [after] = await tx
      .insert(idTags)
      .values({ tag, ...fields })
      .onConflictDoUpdate({ target: idTags.tag, set: fields })
      .returning()
    if (!after) throw new NotFoundError(`id tag ${tag}`)
    await writeAudit(tx, actor, before ? 'tag.update' : 'tag.add', `tag:${tag}`, before, after)
    return after
  })
}

export async function removeIdTag(db: Db, tag: string, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(idTags).where(eq(idTags.tag, tag)).returning()
    if (!row) throw new NotFoundError(`id tag ${tag}`)
    await writeAudit(tx, actor, 'tag.remove', `tag:${tag}`, row, undefined)
  })
}

export async function listIdTags(db: Db): Promise<IdTag[]> {
  return db.select().from(idTags).orderBy(asc(idTags.tag))
}

/** OCPP 1.6 IdTagInfo: what Authorize and StartTransaction answer. */
export interface IdTagInfo {
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid'
  expiryDate?: Date
  parentIdTag?: string
}

/** The answer for a tag presented at `now`: unknown tags are Invalid, past their expiry Expired. */
export async function authorizeIdTag(db: Db, tag: string, now: Date): Promise<IdTagInfo> {
  const [row] = await db.select().from(idTags).where(eq(idTags.tag, tag))
  if (!row) return { status: 'Invalid' }
  const expired = row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()
  const status = row.status === 'accepted' && expired ? 'Expired' : capitalised[row.status]
  return {
    status,
    ...(row.expiresAt === null ? {} : { expiryDate: row.expiresAt }),
    ...(row.parentTag === null ? {} : { parentIdTag: row.parentTag }),
  }
}

const capitalised = { accepted: 'Accepted', blocked: 'Blocked', expired: 'Expired' } as const
