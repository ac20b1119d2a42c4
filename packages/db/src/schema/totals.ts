import { sql } from 'drizzle-orm'
import { date, index, integer, pgTable, unique } from 'drizzle-orm/pg-core'
import { amount, count, hex } from './columns.js'
import { piles } from './piles.js'

/*
 * Daily totals, kept by statement triggers on orders (migrations 0001, 0003): an order counts on the UTC day it
 * ended, under its currency (null: off chain), once. Revenue is what the pile's payout received.
 */

const figures = () => ({
  day: date({ mode: 'string' }).notNull(),
  currency: hex(),
  sessions: integer().notNull().default(0),
  energyWh: count().notNull().default(0),
  revenue: amount().notNull().default(sql`0`),
})

export const pileDailyTotals = pgTable(
  'pile_daily_totals',
  {
    pileId: integer()
      .notNull()
      .references(() => piles.id, { onDelete: 'cascade' }),
    ...figures(),
  },
  (table) => [unique().on(table.pileId, table.day, table.currency).nullsNotDistinct()],
)

export const operatorDailyTotals = pgTable(
  'operator_daily_totals',
  {
    /** The piles' owner; null for piles without one (off chain). */
    operator: hex(),
    ...figures(),
  },
  (table) => [
    unique().on(table.operator, table.day, table.currency).nullsNotDistinct(),
    index().on(table.day),
  ],
)
