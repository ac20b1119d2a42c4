import { and, asc, eq, gte, lt, type SQL, sql } from 'drizzle-orm'
import { checkReading, type MeterFlag, type ReadingLimits } from '../checkReading.js'
import type { Db } from '../database.js'
import { InvalidParameterError, NotFoundError } from '../errors.js'
import { connectors, meterValues, piles } from '../schema/index.js'
import { isReferenceViolation } from './constraint.js'
import { decodeCursor, encodeCursor } from './cursor.js'

export type MeterValue = typeof meterValues.$inferSelect

export interface MeterValueInput {
  pileId: number
  connector: number
  orderId?: number | null
  measuredAt: Date
  /** The energy register, Wh. */
  energyWh: number
  powerW?: number | null
  voltageV?: number | null
  currentA?: number | null
}

export interface RecordMeterValueReturnType {
  id: number
  /** Null: the reading counts and is the connector's new reference; else why it is kept out of totals. */
  flag: MeterFlag | null
}

/**
 * Stores a reading, judged against the connector's last counted reading and the pile's rated power
 * (`checkReading`). A counted reading becomes the connector's current meter value; a flagged one is stored for the
 * record and changes nothing else. Readings of one connector are judged one at a time (the row is locked).
 */
export async function recordMeterValue(
  db: Db,
  input: MeterValueInput,
  limits: Omit<ReadingLimits, 'ratedPowerW'> = {},
): Promise<RecordMeterValueReturnType> {
  return db.transaction(async (tx) => {
    // The connector's row appears with its first reading; a pile that does not exist fails its foreign key.
    await tx
      .insert(connectors)
      .values({ pileId: input.pileId, connector: input.connector })
      .onConflictDoNothing()
      .catch((error: unknown) => {
        throw isReferenceViolation(error) ? new NotFoundError(`pile ${input.pileId}`) : error
      })
    const [current] = await tx
      .select({ meterWh: connectors.meterWh, meterAt: connectors.meterAt, ratedPowerW: piles.ratedPowerW })
      .from(connectors)
      .innerJoin(piles, eq(piles.id, connectors.pileId))
      .where(and(eq(connectors.pileId, input.pileId), eq(connectors.connector, input.connector)))
      .for('update', { of: connectors })
    if (!current) throw new NotFoundError(`pile ${input.pileId}`)
    const previous =
      current.meterWh === null || current.meterAt === null
        ? undefined
        : { energyWh: current.meterWh, at: current.meterAt }
    const flag = checkReading(
      previous,
      { energyWh: input.energyWh, at: input.measuredAt },
      { ...limits, ratedPowerW: current.ratedPowerW },
    )
    const [row] = await tx
      .insert(meterValues)
      .values({ ...input, flag })
      .returning({ id: meterValues.id })
    if (!row) throw new NotFoundError('meter value returned by the insert')
    if (flag === null)
      await tx
        .update(connectors)
        .set({ meterWh: input.energyWh, meterAt: input.measuredAt })
        .where(and(eq(connectors.pileId, input.pileId), eq(connectors.connector, input.connector)))
    return { id: row.id, flag }
  })
}

export interface ListMeterValuesParameters {
  /** One order's readings, or one pile's; one of the two is required. */
  orderId?: number
  pileId?: number
  /** Measured at or after. */
  from?: Date
  /** Measured before. */
  before?: Date
  /** 1–5000; 500 by default. */
  limit?: number
  cursor?: string
}

export interface ListMeterValuesReturnType {
  meterValues: MeterValue[]
  nextCursor?: string
}

/** Readings in time order, paged by keyset (flagged ones included, with their flag). */
export async function listMeterValues(
  db: Db,
  parameters: ListMeterValuesParameters,
): Promise<ListMeterValuesReturnType> {
  const { orderId, pileId, from, before, limit = 500 } = parameters
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000)
    throw new InvalidParameterError('limit', 'a whole number from 1 to 5000', limit)
  const conditions: SQL[] = []
  if (orderId !== undefined) conditions.push(eq(meterValues.orderId, orderId))
  else if (pileId !== undefined) conditions.push(eq(meterValues.pileId, pileId))
  else throw new InvalidParameterError('orderId or pileId', 'given', undefined)
  if (from !== undefined) conditions.push(gte(meterValues.measuredAt, from))
  if (before !== undefined) conditions.push(lt(meterValues.measuredAt, before))
  if (parameters.cursor !== undefined) {
    const cursor = decodeCursor(parameters.cursor, 'measuredAt', 'asc')
    conditions.push(
      sql`(${meterValues.measuredAt}, ${meterValues.id}) > (${new Date(cursor.value)}, ${cursor.id})`,
    )
  }
  const rows = await db
    .select()
    .from(meterValues)
    .where(and(...conditions))
    .orderBy(asc(meterValues.measuredAt), asc(meterValues.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    meterValues: page,
    ...(rows.length > limit && last
      ? {
          nextCursor: encodeCursor({
            sort: 'measuredAt',
            direction: 'asc',
            value: last.measuredAt.getTime(),
            id: last.id,
          }),
        }
      : {}),
  }
}

/** Every reading `parameters` match, page by page, for exports that stream. */
export async function* iterateMeterValues(
  db: Db,
  parameters: Omit<ListMeterValuesParameters, 'cursor'>,
): AsyncGenerator<MeterValue> {
  let cursor: string | undefined
  do {
    const page = await listMeterValues(db, {
      limit: 2000,
      ...parameters,
      ...(cursor === undefined ? {} : { cursor }),
    })
    yield* page.meterValues
    cursor = page.nextCursor
  } while (cursor !== undefined)
}
