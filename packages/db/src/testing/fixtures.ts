import { sql } from 'drizzle-orm'
import type { Db } from '../database.js'
import type { Hex } from '../schema/columns.js'
import { orders, piles } from '../schema/index.js'

export type NewPile = typeof piles.$inferInsert
export type NewOrder = typeof orders.$inferInsert

/** A deterministic address or bytes32 for test rows: `hexOf(7, 20)` is 0x000…07. */
export function hexOf(n: number, bytes: 20 | 32 | 16): Hex {
  return `0x${n.toString(16).padStart(bytes * 2, '0')}`
}

/** Inserts a pile (a 7 kW AC pile named after its DMID unless `values` says otherwise) and returns its row. */
export async function insertPile(db: Db, values: Partial<NewPile> = {}) {
  const dmid = values.dmid ?? `DM-${Math.random().toString(36).slice(2, 10)}`
  const [row] = await db
    .insert(piles)
    .values({ dmid, name: dmid, currentType: 'ac', guns: 1, ratedPowerW: 7000, ...values })
    .returning()
  if (!row) throw new Error('insert returned no row')
  return row
}

/** Inserts an order (an open escrow order opened now unless `values` says otherwise) and returns its row. */
export async function insertOrder(db: Db, values: Partial<NewOrder> & { pileId: number }) {
  const [row] = await db
    .insert(orders)
    .values({ kind: 'escrow', state: 'open', openedAt: new Date(), ...values })
    .returning()
  if (!row) throw new Error('insert returned no row')
  return row
}

export interface SeedOrdersParameters {
  piles: readonly number[]
  count: number
  /** When the first order opened; each next one opens `spacingMs` later. */
  start: Date
  spacingMs?: number
  /** Currencies settled orders are paid in, taken in turn. */
  currencies?: readonly Hex[]
  operator?: Hex
}

const states = [
  'settled',
  'settled',
  'settled',
  'settled',
  'refunded',
  'open',
  'charging',
  'disputed',
] as const

/**
 * Inserts `count` orders spread over the piles in turn, in chunks (a benchmark's 100,000 included): mostly settled,
 * some refunded, open, charging, disputed; energies and amounts vary with the index. Deterministic.
 */
export async function seedOrders(db: Db, parameters: SeedOrdersParameters): Promise<void> {
  const {
    count,
    start,
    spacingMs = 60_000,
    currencies = [hexOf(0, 20)],
    operator = hexOf(0xa11ce, 20),
  } = parameters
  const chunk = 1000
  for (let first = 0; first < count; first += chunk) {
    const rows: NewOrder[] = []
    for (let i = first; i < Math.min(count, first + chunk); i++) {
      const state = states[i % states.length] ?? 'settled'
      const openedAt = new Date(start.getTime() + i * spacingMs)
      const ended = state === 'settled' || state === 'refunded' || state === 'disputed'
      const energyWh = 1000 + ((i * 7919) % 40_000)
      const due = BigInt(energyWh) * 10n ** 14n
      rows.push({
        kind: 'escrow',
        pileId: parameters.piles[i % parameters.piles.length] ?? 0,
        sessionId: hexOf(i + 1, 32),
        vehicle: hexOf(0xca7 + (i % 50), 20),
        operator,
        state,
        openedAt,
        endedAt: ended ? new Date(openedAt.getTime() + 45 * 60_000) : null,
        energyWh: state === 'open' ? 0 : energyWh,
        currency: currencies[i % currencies.length] ?? hexOf(0, 20),
        deposit: 10n ** 19n,
        amountDue: state === 'settled' || state === 'disputed' ? due : null,
        amountReceived: state === 'settled' ? due : state === 'refunded' ? 0n : null,
        refund: state === 'settled' ? 10n ** 19n - due : state === 'refunded' ? 10n ** 19n : null,
      })
    }
    await db.insert(orders).values(rows)
  }
}

export interface SeedBenchFleetParameters extends Omit<SeedOrdersParameters, 'piles'> {
  /** How many piles (DMIDs BENCH-0, BENCH-1…), all the operator's. */
  pileCount: number
}

/**
 * The fleet the benchmarks measure: `pileCount` piles of one operator, `count` orders over them (`seedOrders`), and
 * fresh plan statistics, as autovacuum would gather them on a running server. Returns the piles' ids.
 */
export async function seedBenchFleet(db: Db, parameters: SeedBenchFleetParameters): Promise<number[]> {
  const { pileCount, ...orders } = parameters
  const operator = orders.operator ?? hexOf(0xa11ce, 20)
  const piles: number[] = []
  for (let i = 0; i < pileCount; i++)
    piles.push((await insertPile(db, { dmid: `BENCH-${i}`, owner: operator })).id)
  await seedOrders(db, { ...orders, operator, piles })
  await db.execute(sql`analyze`)
  return piles
}
