import { asc, eq } from 'drizzle-orm'
import type { Db } from '../database.js'
import { disputes, meterValues, orders } from '../schema/index.js'
import type { Order } from './orders.js'

export type Dispute = typeof disputes.$inferSelect
export type DisputeState = Dispute['state']
export type MeterReading = Pick<
  typeof meterValues.$inferSelect,
  'measuredAt' | 'energyWh' | 'powerW' | 'flag'
>

export interface DisputeView extends Dispute {
  order: Order
}

/** Disputes with their orders, those closing first first; `state` open by default (the ones awaiting a decision). */
export async function listDisputes(db: Db, state: DisputeState = 'open'): Promise<DisputeView[]> {
  const rows = await db
    .select({ dispute: disputes, order: orders })
    .from(disputes)
    .innerJoin(orders, eq(orders.id, disputes.orderId))
    .where(eq(disputes.state, state))
    .orderBy(asc(disputes.deadline), asc(disputes.orderId))
  return rows.map((row) => ({ ...row.dispute, order: row.order }))
}

export interface DisputeEvidence extends DisputeView {
  /** The order's meter readings in time order, flagged ones included with their flag. */
  readings: MeterReading[]
}

/** One dispute with all its evidence: the voucher, the claim, the order and its meter readings. */
export async function getDispute(db: Db, orderId: number): Promise<DisputeEvidence | undefined> {
  const [row] = await db
    .select({ dispute: disputes, order: orders })
    .from(disputes)
    .innerJoin(orders, eq(orders.id, disputes.orderId))
    .where(eq(disputes.orderId, orderId))
  if (!row) return undefined
  const readings = await db
    .select({
      measuredAt: meterValues.measuredAt,
      energyWh: meterValues.energyWh,
      powerW: meterValues.powerW,
      flag: meterValues.flag,
    })
    .from(meterValues)
    .where(eq(meterValues.orderId, orderId))
    .orderBy(asc(meterValues.measuredAt), asc(meterValues.id))
  return { ...row.dispute, order: row.order, readings }
}
