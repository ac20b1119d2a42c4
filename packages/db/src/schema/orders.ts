import { sql } from 'drizzle-orm'
import { bigint, check, index, integer, pgTable, smallint, text } from 'drizzle-orm/pg-core'
import { amount, count, hex, instant } from './columns.js'
import { orderKind, orderState } from './enums.js'
import { piles } from './piles.js'

/**
 * One charge: an escrow session, a channel session or a free session reported by a pile, or a third-party
 * charger's OCPP transaction. Chain events and the pile's reports fill the same row, met by `sessionId`.
 * Totals follow the row: statement triggers add each ended order to the daily totals and take it back out when it
 * changes (migrations 0001, 0003).
 */
export const orders = pgTable(
  'orders',
  {
    /** Also the OCPP transactionId handed to the charger. */
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: orderKind().notNull(),
    pileId: integer()
      .notNull()
      .references(() => piles.id, { onDelete: 'restrict' }),
    connector: smallint(),
    /** The escrow's sessionId, or the pile's own 16-byte session id for channel and free sessions. */
    sessionId: hex().unique(),
    channelId: hex(),
    vehicle: hex(),
    /** The RFID card of an OCPP transaction. */
    idTag: text(),
    /** The pile's owner when the order opened: whose totals it counts in. */
    operator: hex(),
    state: orderState().notNull(),
    openedAt: instant().notNull(),
    endedAt: instant(),
    energyWh: count().notNull().default(0),
    chargingSeconds: integer().notNull().default(0),
    idleSeconds: integer().notNull().default(0),
    meterStartWh: count(),
    meterStopWh: count(),
    stopReason: text(),
    /** Null for an off-chain order, which moves no money. */
    currency: hex(),
    deposit: amount(),
    /** What the car owes by the tariff: the voucher's amount, or the decided claim. */
    amountDue: amount(),
    /** What the pile's payout received. */
    amountReceived: amount(),
    /** What went back to the car. */
    refund: amount(),
    termsHash: hex(),
    salt: hex(),
    /** The block of the last chain event applied to this row: above the finalised block, it is pending. */
    chainBlock: count(),
    updatedAt: instant()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (table) => [
    // Keyset paging: each filter the list offers, then time and id, so a page is one index range.
    index('orders_pile_state_time').on(table.pileId, table.state, table.openedAt, table.id),
    index('orders_pile_time').on(table.pileId, table.openedAt, table.id),
    index('orders_state_time').on(table.state, table.openedAt, table.id),
    index('orders_vehicle_time').on(table.vehicle, table.openedAt, table.id),
    index('orders_time').on(table.openedAt, table.id),
    index('orders_channel').on(table.channelId),
    check('orders_energy_not_negative', sql`${table.energyWh} >= 0`),
    check('orders_seconds_not_negative', sql`${table.chargingSeconds} >= 0 and ${table.idleSeconds} >= 0`),
  ],
)
