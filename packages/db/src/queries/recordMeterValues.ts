import { inArray, sql } from 'drizzle-orm'
import { PgTransaction } from 'drizzle-orm/pg-core'
import { checkReading, type MeterFlag, type Reading, type ReadingLimits } from '../checkReading.js'
import type { Db } from '../database.js'
import { NotFoundError } from '../errors.js'
import { connectors, meterValues, orders, piles } from '../schema/index.js'
import { queryRows } from './raw.js'

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
 * order is not the pile's), or not stored: its pile is gone, or it is a `duplicate` — the same pile, connector,
 * measured time and register as a reading stored before or earlier in the batch (a charger sends a message again
 * when it lost the answer), which changes nothing.
 */
export type RecordedReading =
  | { stored: true; flag: MeterFlag | null; orderId: number | null }
  | { stored: false; reason: 'unknownPile' | 'duplicate' }

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
const duplicate: RecordedReading = { stored: false, reason: 'duplicate' }

/** A connector's row as the batch found it, locked, with its pile's rated power. */
interface Found {
  ratedPowerW: number | null
  /** False when the connector has no row yet (its first reading). */
  present: boolean
  reference: Reading | undefined
}

/**
 * Stores readings, each judged against its connector's last counted reading and its pile's rated power
 * (`checkReading`); readings of one connector in the batch are judged in order, each against the last counted
 * before it. A counted reading becomes the connector's current meter value; a flagged one is stored for the record
 * and changes nothing else. Connector rows are locked, so concurrent batches judge one connector one at a time.
 * A reading stored already (same pile, connector, measuredAt and energyWh) is not stored again and changes nothing:
 * one equal to the connector's last counted reading is known from the lock, any other is looked for by the insert.
 * A batch costs two statements however many readings it holds (three when some name an order, two more when a
 * connector reports for the first time), so the OCPP endpoint can gather a few milliseconds of MeterValues and store
 * them together. Inside a caller's transaction it runs in that transaction (no savepoint: a failure fails the
 * caller's); alone, in one of its own. A reading for a pile that no longer exists is not stored and does not fail
 * the others.
 */
export async function recordMeterValues(
  db: Db,
  inputs: readonly MeterValueInput[],
  limits: Omit<ReadingLimits, 'ratedPowerW'> = {},
): Promise<RecordedReading[]> {
  if (inputs.length === 0) return []
  if (inTransaction(db)) return record(db, inputs, limits)
  return db.transaction((tx) => record(tx, inputs, limits))
}

/** Whether `db` is a transaction already (a plain boolean: narrowing to drizzle's class would lose the schema). */
function inTransaction(db: Db): boolean {
  return db instanceof PgTransaction
}

async function record(
  tx: Db,
  inputs: readonly MeterValueInput[],
  limits: Omit<ReadingLimits, 'ratedPowerW'>,
): Promise<RecordedReading[]> {
  const keys = [
    ...new Map(
      inputs.map((input) => [key(input), { pileId: input.pileId, connector: input.connector }]),
    ).values(),
  ].sort((a, b) => a.pileId - b.pileId || a.connector - b.connector)
  const found = await lockConnectors(tx, keys)
  const missing = keys.filter((k) => found.get(key(k))?.present === false)
  if (missing.length > 0) {
    // A connector's row appears with its first reading; locked like the others once it exists.
    await tx.execute(
      sql`insert into ${connectors} (pile_id, connector) select pile_id, connector from ${keyRows(missing)} on conflict do nothing`,
    )
    for (const [k, row] of await lockConnectors(tx, missing)) found.set(k, row)
  }
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

  const countedPiles = new Set<number>()
  const results: RecordedReading[] = []
  const stored: StoredRow[] = []
  /** For each stored row, its reading's place in `results`. */
  const places: number[] = []
  const seen = new Set<string>()
  for (const input of inputs) {
    const connector = found.get(key(input))
    if (connector === undefined) {
      results.push(unknownPile)
      continue
    }
    const reading = { energyWh: input.energyWh, at: input.measuredAt }
    const sameness = `${key(input)}:${reading.at.getTime()}:${reading.energyWh}`
    if (seen.has(sameness) || sameReading(connector.reference, reading)) {
      results.push(duplicate)
      continue
    }
    seen.add(sameness)
    const flag = checkReading(connector.reference, reading, { ...limits, ratedPowerW: connector.ratedPowerW })
    if (flag === null) {
      connector.reference = reading
      countedPiles.add(input.pileId)
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
    places.push(results.length)
    results.push({ stored: true, flag, orderId })
  }
  if (stored.length === 0) return results
  // One statement: each reading looked for among the stored ones, the others inserted, and the counted connectors'
  // meter values moved to their last counted row that was inserted (a data-modifying WITH runs in full; what it
  // inserts is seen only through its RETURNING). The lookup is a lateral subquery with a limit, so it probes
  // meter_values_pile_time for each reading: as EXISTS, PGlite's planner (no statistics) hashes the whole table.
  // The connectors' locks keep other batches of them from inserting meanwhile.
  const meter =
    countedPiles.size === 0
      ? sql``
      : // `pile_id = any(…)` lets the planner reach the rows through the key even without statistics (PGlite never
        // analyzes); joined to the counted rows alone it scans every connector of the fleet.
        sql`, meter as (
          update ${connectors} set meter_wh = last.energy_wh, meter_at = last.measured_at
          from (
            select distinct on (pile_id, connector) pile_id, connector, energy_wh, measured_at from inserted
            where flag is null order by pile_id, connector, measured_at desc
          ) last
          where ${connectors.pileId} = any(${integerArray([...countedPiles])})
            and ${connectors.pileId} = last.pile_id and ${connectors.connector} = last.connector
        )`
  const again = await queryRows(
    tx,
    sql`with batch as (
        select b.*, found.again is not null as again
        from jsonb_populate_recordset(null::meter_values, ${JSON.stringify(stored)}::jsonb) with ordinality b
        left join lateral (
          select true as again from ${meterValues} m
          where m.pile_id = b.pile_id and m.measured_at = b.measured_at
            and m.connector = b.connector and m.energy_wh = b.energy_wh
          limit 1
        ) found on true
      ), inserted as (
        insert into ${meterValues} (pile_id, connector, order_id, measured_at, energy_wh, power_w, voltage_v, current_a, flag)
        select pile_id, connector, order_id, measured_at, energy_wh, power_w, voltage_v, current_a, flag
        from batch where not again
        returning pile_id, connector, measured_at, energy_wh, flag
      )${meter}
      select ordinality from batch where again`,
  )
  for (const row of again) {
    const place = places[Number(row.ordinality) - 1]
    if (place !== undefined) results[place] = duplicate
  }
  return results
}

/** Whether `reading` is `reference` itself: sent again, its row is stored already. */
function sameReading(reference: Reading | undefined, reading: Reading): boolean {
  return reference?.energyWh === reading.energyWh && reference.at.getTime() === reading.at.getTime()
}

type Key = { pileId: number; connector: number }

/** Keys as one JSON parameter: thousands of bind parameters cost PGlite far more than parsing JSON. */
function keyRows(keys: readonly Key[]) {
  const rows = keys.map((k) => ({ pile_id: k.pileId, connector: k.connector }))
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as k (pile_id integer, connector smallint)`
}

/** A whole-number array as one parameter (a literal PostgreSQL parses), not one bind parameter each. */
function integerArray(values: readonly number[]) {
  return sql`${`{${values.join(',')}}`}::integer[]`
}

/**
 * Locks the connectors of `keys` (in key order, so two batches never wait on each other in a circle) and reads each
 * one's last counted reading and its pile's rated power; a key whose pile does not exist is left out. One lookup by
 * primary key per key: the lateral subqueries with their row locks cannot be turned into a scan of the whole table
 * by a planner without statistics. The pile's key-share lock is the one storing the row's reference to it takes.
 */
async function lockConnectors(tx: Db, keys: readonly Key[]): Promise<Map<string, Found>> {
  const rows = await queryRows(
    tx,
    sql`select k.pile_id, k.connector, p.rated_power_w, c.present, c.meter_wh::float8 as meter_wh,
        (extract(epoch from c.meter_at) * 1000)::float8 as meter_at_ms
      from ${keyRows(keys)}
      cross join lateral (select ${piles.ratedPowerW} from ${piles} where ${piles.id} = k.pile_id for key share) p
      left join lateral (
        select true as present, ${connectors.meterWh}, ${connectors.meterAt} from ${connectors}
        where ${connectors.pileId} = k.pile_id and ${connectors.connector} = k.connector for update
      ) c on true`,
  )
  const found = new Map<string, Found>()
  for (const row of rows) {
    const meterWh = numberOrNull(row.meter_wh)
    const meterAtMs = numberOrNull(row.meter_at_ms)
    found.set(key({ pileId: Number(row.pile_id), connector: Number(row.connector) }), {
      ratedPowerW: numberOrNull(row.rated_power_w),
      present: row.present === true,
      reference:
        meterWh === null || meterAtMs === null ? undefined : { energyWh: meterWh, at: new Date(meterAtMs) },
    })
  }
  return found
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
}

/**
 * One reading; throws NotFoundError if its pile does not exist. Returns its flag (null: counted), or 'duplicate' when
 * it is stored already.
 */
export async function recordMeterValue(
  db: Db,
  input: MeterValueInput,
  limits: Omit<ReadingLimits, 'ratedPowerW'> = {},
): Promise<MeterFlag | 'duplicate' | null> {
  const [result] = await recordMeterValues(db, [input], limits)
  if (result?.stored) return result.flag
  if (result?.reason === 'duplicate') return 'duplicate'
  throw new NotFoundError(`pile ${input.pileId}`)
}

function key(reading: Key): string {
  return `${reading.pileId}:${reading.connector}`
}
