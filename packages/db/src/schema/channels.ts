import { sql } from 'drizzle-orm'
import { pgTable } from 'drizzle-orm/pg-core'
import { amount, count, hex, instant } from './columns.js'
import { channelState } from './enums.js'

/**
 * A payment channel from a car to an operator, and the operator's ledger for it: every pile of the operator reads
 * the cumulative amount here before taking a voucher and reports each voucher here, so two piles never take the
 * same money twice.
 */
export const channels = pgTable('channels', {
  channelId: hex().primaryKey(),
  vehicle: hex().notNull(),
  operator: hex().notNull(),
  currency: hex().notNull(),
  deposit: amount().notNull(),
  /** Cumulative amount paid out on chain. */
  settled: amount().notNull().default(sql`0`),
  /** The highest cumulative voucher a pile reported, with the car's signature: what the next settle claims. */
  voucherAmount: amount().notNull().default(sql`0`),
  voucherSignature: hex(),
  voucherAt: instant(),
  state: channelState().notNull().default('open'),
  /** When the challenge period ends, once the car asked to close: settle before it. */
  closesAt: instant(),
  refund: amount(),
  openedAt: instant().notNull(),
  chainBlock: count(),
})
