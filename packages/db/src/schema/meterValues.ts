import { bigint, doublePrecision, index, integer, pgTable, smallint } from 'drizzle-orm/pg-core'
import { count, instant } from './columns.js'
import { meterFlag } from './enums.js'
import { orders } from './orders.js'
import { piles } from './piles.js'

/**
 * Meter readings as piles report them. A reading `checkReading` refuses is stored with its `flag` and kept out of
 * totals: below the previous one, earlier than it, or more than the rated power could deliver since.
 */
export const meterValues = pgTable(
  'meter_values',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    pileId: integer()
      .notNull()
      .references(() => piles.id, { onDelete: 'cascade' }),
    connector: smallint().notNull(),
    orderId: bigint({ mode: 'number' }).references(() => orders.id, { onDelete: 'set null' }),
    /** When the meter took the reading (the pile's clock). */
    measuredAt: instant().notNull(),
    receivedAt: instant().notNull().defaultNow(),
    /** The energy register, in Wh. */
    energyWh: count().notNull(),
    powerW: integer(),
    voltageV: doublePrecision(),
    currentA: doublePrecision(),
    /** Why the reading is kept out of totals; null when it counts. */
    flag: meterFlag(),
  },
  (table) => [
    // Keyset paging over one order's or one pile's readings in time order.
    index('meter_values_order_time').on(table.orderId, table.measuredAt, table.id),
    index('meter_values_pile_time').on(table.pileId, table.measuredAt, table.id),
  ],
)
