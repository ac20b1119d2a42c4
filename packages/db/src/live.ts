import { sql } from 'drizzle-orm'
import type { Db } from './database.js'
import { notify } from './notify.js'
import type { connectorStatus, orderState } from './schema/enums.js'

type ConnectorStatus = (typeof connectorStatus.enumValues)[number]
type OrderState = (typeof orderState.enumValues)[number]

/**
 * A change the operator sees live. Small on purpose (a notification holds < 8 kB): it names what changed, and the
 * dashboard refetches the row when it needs more. Times are ISO strings.
 */
export type LiveEvent =
  /** A pile's metadata, on-chain settings or free list changed, or it was created or deleted. */
  | { type: 'pile'; pileId: number }
  | {
      type: 'connector'
      pileId: number
      connector: number
      status: ConnectorStatus
      orderId: number | null
      at: string
    }
  /** A reading counted into totals; `powerW` when the charger reported it. */
  | {
      type: 'meter'
      pileId: number
      connector: number
      orderId: number | null
      energyWh: number
      powerW: number | null
      at: string
    }
  | { type: 'order'; orderId: number; pileId: number; state: OrderState }
  | { type: 'dispute'; orderId: number }
  /** An OCPP charger connected to or left this fleet's servers. */
  | { type: 'charger'; chargerId: string; pileId: number; connected: boolean }

/** The one channel live changes go out on. */
export const liveChannel = 'chargechain_live'

/** Sends `event` to every live listener once the caller's transaction (if any) commits. */
export function publishLive(db: Db, event: LiveEvent): Promise<void> {
  return notify(db, liveChannel, event)
}

/**
 * Sends `events` in order, in one statement: a writer that changes thousands of rows at once (the indexer catching
 * up) pays one round trip, not one per row. Delivered on commit like `publishLive`.
 */
export async function publishLiveMany(db: Db, events: readonly LiveEvent[]): Promise<void> {
  if (events.length === 0) return
  await db.execute(
    sql`select pg_notify(${liveChannel}, event::text) from json_array_elements(${JSON.stringify(events)}::json) with ordinality as e(event, n) order by n`,
  )
}
