import { bigint, index, pgTable } from 'drizzle-orm/pg-core'
import { amount, count, hex, instant } from './columns.js'
import { disputeState } from './enums.js'
import { orders } from './orders.js'

/**
 * A pile's claim beyond the car's last voucher (`settleWithClaim`), with the evidence the operator shows: the
 * voucher, the claimed energy and, through the order, its meter readings.
 */
export const disputes = pgTable(
  'disputes',
  {
    orderId: bigint({ mode: 'number' })
      .primaryKey()
      .references(() => orders.id, { onDelete: 'cascade' }),
    state: disputeState().notNull().default('open'),
    openedAt: instant().notNull(),
    /** Until when the arbiter can decide; afterwards the car takes the held amount back. */
    deadline: instant().notNull(),
    voucherEnergyWh: count().notNull(),
    voucherAmount: amount(),
    voucherSignature: hex(),
    claimedEnergyWh: count().notNull(),
    claimedAmount: amount().notNull(),
    amountToPile: amount(),
    amountToVehicle: amount(),
    closedAt: instant(),
    chainBlock: count(),
  },
  (table) => [index().on(table.state, table.deadline)],
)
