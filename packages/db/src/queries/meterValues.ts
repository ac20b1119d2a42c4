import { and, asc, eq, gte, lt, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../database.js'
import { InvalidParameterError } from '../errors.js'
import { meterValues } from '../schema/index.js'
import { decodeCursor, encodeCursor } from './cursor.js'

export type MeterValue = typeof meterValues.$inferSelect

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
