import { asc, inArray, sql } from 'drizzle-orm'
import { checkReading, type MeterFlag, type Reading, type ReadingLimits } from '../checkReading.js'
import type { Db } from '../database.js'
import { NotFoundError } from '../errors.js'
import { connectors, meterValues, orders, piles } from '../schema/index.js'

export interface MeterValueInput {
  pileId: number
  connector: number
  /** The order the reading belongs to; one that is not this pile's (a charger's wrong transactionId) is stored as null. */
  orderId?: number | null
  measuredAt: Date
  /** The energy register, Wh. */
  energyWh: number
  powerW?: number | null
  voltageV?: number | null
  currentA?: number | null
}

/**
 * What became of one reading: stored (counted when `flag` is null) under `orderId` (null when none was given or the
 * order is not the pile's), or dropped because its pile is gone.
 */
export type RecordedReading =
  | { stored: true; flag: MeterFlag | null; orderId: number | null }
  | { stored: false; reason: 'unknownPile' }

/** A meter_values row under its column names, as jsonb_populate_recordset matches them. */
interface StoredRow {
  pile_id: number
  connector: number
  order_id: number | null
  measured_at: Date
  energy_wh: number
  power_w: number | null
  voltage_v: number | null
  current_a: number | null
  flag: MeterFlag | null
}

const unknownPile: RecordedReading = { stored: false, reason: 'unknownPile' }

/**
 * Stores readings, each judged against its connector's last counted reading and its pile's rated power
 * (`checkReading`); readings of one connector in the batch are judged in order, each against the last counted
 * before it. A counted reading becomes the connector's current meter value; a flagged one is stored for the record
 * and changes nothing else. Connector rows are locked, so concurrent batches judge one connector one at a time.
 * A batch costs five statements however many readings it holds: the OCPP endpoint can gather a few milliseconds of
 * MeterValues and store them together (six when some name an order). A reading for a pile that no longer exists is
 * not stored and does not fail the others.
 */
export async function recordMeterValues(
  db: Db,
  inputs: readonly MeterValueInput[],
  limits: Omit<ReadingLimits, 'ratedPowerW'> = {},
): Promise<RecordedReading[]> {
  if (inputs.length === 0) return []
  return db.transaction(async (tx) => {
    const known = await tx
      .select({ id: piles.id, ratedPowerW: piles.ratedPowerW })
      .from(piles)
      .where(inArray(piles.id, [...new Set(inputs.map((input) => input.pileId))]))
    const ratedPower = new Map(known.map((pile) => [pile.id, pile.ratedPowerW]))
    const orderIds = [...new Set(inputs.flatMap((input) => (input.orderId == null ? [] : [input.orderId])))]
    const orderPile = new Map(
      orderIds.length === 0
        ? []
        : (
            await tx
              .select({ id: orders.id, pileId: orders.pileId })
              .from(orders)
              .where(inArray(orders.id, orderIds))
          ).map((order) => [order.id, order.pileId]),
    )
    const keys = [
      ...new Map(
        inputs
          .filter((input) => ratedPower.has(input.pileId))
          .map((input) => [key(input), { pileId: input.pileId, connector: input.connector }]),
      ).values(),
    ].sort((a, b) => a.pileId - b.pileId || a.connector - b.connector)
    if (keys.length === 0) return inputs.map(() => unknownPile)

    // A connector's row appears with its first reading; then all of the batch's are locked, in key order. Keys and
    // rows travel as one JSON parameter each: thousands of bind parameters cost PGlite far more than parsing JSON.
    const keyRows = sql`jsonb_to_recordset(${JSON.stringify(
      keys.map((k) => ({ pile_id: k.pileId, connector: k.connector })),
    )}::jsonb) as k (pile_id integer, connector smallint)`
    await tx.execute(
      sql`insert into ${connectors} (pile_id, connector) select pile_id, connector from ${keyRows} on conflict do nothing`,
    )
    const rows = await tx
      .select({
        pileId: connectors.pileId,
        connector: connectors.connector,
        meterWh: connectors.meterWh,
        meterAt: connectors.meterAt,
      })
      .from(connectors)
      .where(
        sql`(${connectors.pileId}, ${connectors.connector}) in (select pile_id, connector from ${keyRows})`,
      )
      .orderBy(asc(connectors.pileId), asc(connectors.connector))
      .for('update')
    const reference = new Map<string, Reading | undefined>(
      rows.map((row) => [
        key(row),
        row.meterWh === null || row.meterAt === null ? undefined : { energyWh: row.meterWh, at: row.meterAt },
      ]),
    )
    const counted = new Map<string, { pileId: number; connector: number; reading: Reading }>()

    const results: RecordedReading[] = []
    const stored: StoredRow[] = []
    for (const input of inputs) {
      if (!ratedPower.has(input.pileId)) {
        results.push(unknownPile)
        continue
      }
      const reading = { energyWh: input.energyWh, at: input.measuredAt }
      const flag = checkReading(reference.get(key(input)), reading, {
        ...limits,
        ratedPowerW: ratedPower.get(input.pileId),
      })
      if (flag === null) {
        reference.set(key(input), reading)
        counted.set(key(input), { pileId: input.pileId, connector: input.connector, reading })
      }
      const orderId =
        input.orderId != null && orderPile.get(input.orderId) === input.pileId ? input.orderId : null
      stored.push({
        pile_id: input.pileId,
        connector: input.connector,
        order_id: orderId,
        measured_at: input.measuredAt,
        energy_wh: input.energyWh,
        power_w: input.powerW ?? null,
        voltage_v: input.voltageV ?? null,
        current_a: input.currentA ?? null,
        flag,
      })
      results.push({ stored: true, flag, orderId })
    }
    await tx.execute(sql`
      insert into ${meterValues} (pile_id, connector, order_id, measured_at, energy_wh, power_w, voltage_v, current_a, flag)
      select pile_id, connector, order_id, measured_at, energy_wh, power_w, voltage_v, current_a, flag
      from jsonb_populate_recordset(null::meter_values, ${JSON.stringify(stored)}::jsonb)`)
    if (counted.size > 0) {
      const values = [...counted.values()].map(({ pileId, connector, reading }) => ({
        pile_id: pileId,
        connector,
        energy_wh: reading.energyWh,
        at: reading.at,
      }))
      await tx.execute(sql`
        update ${connectors} set meter_wh = v.energy_wh, meter_at = v.at
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
          as v (pile_id integer, connector smallint, energy_wh bigint, at timestamptz)
        where ${connectors.pileId} = v.pile_id and ${connectors.connector} = v.connector`)
    }
    return results
  })
}

/** One reading; throws NotFoundError if its pile does not exist. Returns its flag (null: counted). */
export async function recordMeterValue(
  db: Db,
  input: MeterValueInput,
  limits: Omit<ReadingLimits, 'ratedPowerW'> = {},
): Promise<MeterFlag | null> {
  const [result] = await recordMeterValues(db, [input], limits)
  if (!result?.stored) throw new NotFoundError(`pile ${input.pileId}`)
  return result.flag
}

function key(reading: { pileId: number; connector: number }): string {
  return `${reading.pileId}:${reading.connector}`
}
