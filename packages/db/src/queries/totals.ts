import { and, asc, eq, gte, isNotNull, lte, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../database.js'
import { InvalidParameterError } from '../errors.js'
import type { Hex } from '../schema/columns.js'
import { operatorDailyTotals, orders, pileDailyTotals } from '../schema/index.js'

/** Revenue in one currency; `currency` null for off-chain orders, which move no money. */
export interface Revenue {
  currency: Hex | null
  amount: bigint
}

/** One day's figures: orders that ended that day (UTC), their energy, and what the payouts received. */
export interface DailyTotal {
  /** `YYYY-MM-DD`, UTC. */
  day: string
  sessions: number
  energyWh: number
  revenue: Revenue[]
}

export interface DailyTotalsParameters {
  /** One pile's totals; else `operator`'s; else the whole fleet's. */
  pileId?: number
  operator?: Hex
  /** First and last day, inclusive, `YYYY-MM-DD`. */
  from: string
  to: string
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * Daily totals for charts, read from the tables the orders trigger keeps: a few rows per day, whatever the number
 * of orders behind them. Days without an ended order are absent.
 */
export async function dailyTotals(db: Db, parameters: DailyTotalsParameters): Promise<DailyTotal[]> {
  const { pileId, operator, from, to } = parameters
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!DAY.test(value) || Number.isNaN(Date.parse(value)))
      throw new InvalidParameterError(name, 'a day as YYYY-MM-DD', value)
  const rows =
    pileId !== undefined
      ? await db
          .select(figures(pileDailyTotals))
          .from(pileDailyTotals)
          .where(and(eq(pileDailyTotals.pileId, pileId), ...range(pileDailyTotals, from, to)))
          .orderBy(asc(pileDailyTotals.day), asc(pileDailyTotals.currency))
      : await db
          .select(summed(operatorDailyTotals))
          .from(operatorDailyTotals)
          .where(
            and(
              ...(operator === undefined ? [] : [eq(operatorDailyTotals.operator, operator)]),
              ...range(operatorDailyTotals, from, to),
            ),
          )
          .groupBy(operatorDailyTotals.day, operatorDailyTotals.currency)
          .orderBy(asc(operatorDailyTotals.day), asc(operatorDailyTotals.currency))
  const days: DailyTotal[] = []
  for (const row of rows) {
    let day = days.at(-1)
    if (day?.day !== row.day) {
      day = { day: row.day, sessions: 0, energyWh: 0, revenue: [] }
      days.push(day)
    }
    day.sessions += row.sessions
    day.energyWh += row.energyWh
    day.revenue.push({ currency: row.currency, amount: row.revenue })
  }
  return days
}

type TotalsTable = typeof pileDailyTotals | typeof operatorDailyTotals

function range(table: TotalsTable, from: string, to: string): SQL[] {
  return [gte(table.day, from), lte(table.day, to)]
}

function figures(table: TotalsTable) {
  return {
    day: table.day,
    currency: table.currency,
    sessions: table.sessions,
    energyWh: table.energyWh,
    revenue: table.revenue,
  }
}

/** The fleet's or an operator's figures: the operators' rows of a day and currency added up. */
function summed(table: typeof operatorDailyTotals) {
  return {
    day: table.day,
    currency: table.currency,
    sessions: sql`sum(${table.sessions})`.mapWith(Number),
    energyWh: sql`sum(${table.energyWh})`.mapWith(Number),
    revenue: sql`sum(${table.revenue})`.mapWith(BigInt),
  }
}

/**
 * Recomputes the totals from the orders, replacing what the trigger kept: for a repair, and as the oracle the
 * trigger is tested against.
 */
export async function rebuildDailyTotals(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(pileDailyTotals)
    await tx.delete(operatorDailyTotals)
    const day = sql<string>`(${orders.endedAt} at time zone 'UTC')::date`
    const ended = isNotNull(orders.endedAt)
    // Insert-select columns need names; these are the totals tables' own.
    const figures = {
      day: day.as('day'),
      currency: orders.currency,
      sessions: sql<number>`count(*)::integer`.as('sessions'),
      energyWh: sql<number>`sum(${orders.energyWh})`.as('energy_wh'),
      revenue: sql<bigint>`coalesce(sum(${orders.amountReceived}), 0)`.as('revenue'),
    }
    await tx.insert(pileDailyTotals).select(
      tx
        .select({ pileId: orders.pileId, ...figures })
        .from(orders)
        .where(ended)
        .groupBy(orders.pileId, day, orders.currency),
    )
    await tx.insert(operatorDailyTotals).select(
      tx
        .select({ operator: orders.operator, ...figures })
        .from(orders)
        .where(ended)
        .groupBy(orders.operator, day, orders.currency),
    )
  })
}
