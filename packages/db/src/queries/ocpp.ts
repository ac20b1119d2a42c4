import { and, eq, inArray, isNull, lt, max, ne, sql } from 'drizzle-orm'
import { checkReading } from '../checkReading.js'
import type { Db } from '../database.js'
import { NotFoundError } from '../errors.js'
import type { Hex } from '../schema/columns.js'
import { channels, chargers, connectors, meterValues, orders, piles } from '../schema/index.js'
import type { Order } from './orders.js'
import type { Connector } from './piles.js'

// What the OCPP endpoint writes: boots, chain sessions linked to a connector, transactions, a charger going away,
// and the operator's channel ledger. Each runs in one transaction; the endpoint opens an outer one around a call to
// publish its live events on commit.

export interface ChargerBoot {
  vendor: string
  model: string
  firmwareVersion?: string
}

/**
 * A charger booted: its firmware version is recorded; its vendor and model fill the pile's brand and model only
 * where the operator left them empty (the operator's words win).
 */
export async function recordBoot(db: Db, pileId: number, boot: ChargerBoot): Promise<void> {
  await db
    .update(piles)
    .set({
      brand: sql`coalesce(${piles.brand}, ${boot.vendor})`,
      model: sql`coalesce(${piles.model}, ${boot.model})`,
      ...(boot.firmwareVersion === undefined ? {} : { firmwareVersion: boot.firmwareVersion }),
    })
    .where(eq(piles.id, pileId))
}

export interface LinkChainSessionParameters {
  pileId: number
  connector: number
  /** The escrow's sessionId, or the pile's own 16-byte id for a channel or free session. */
  sessionId: Hex
  kind: 'escrow' | 'channel' | 'free'
  vehicle?: Hex | null
  channelId?: Hex | null
  at: Date
}

/**
 * One of our piles is about to start a transaction for a chain session on `connector`: finds the order by session
 * id (the indexer may have made it already) or makes it, and puts it on the connector, where the next
 * StartTransaction of that connector takes it up. Undefined when the session id is another pile's or another
 * kind's order.
 */
export async function linkChainSession(
  db: Db,
  parameters: LinkChainSessionParameters,
): Promise<Order | undefined> {
  const { pileId, connector, sessionId, kind, at } = parameters
  return db.transaction(async (tx) => {
    const [pile] = await tx.select({ owner: piles.owner }).from(piles).where(eq(piles.id, pileId))
    if (!pile) throw new NotFoundError(`pile ${pileId}`)
    const [order] = await tx
      .insert(orders)
      .values({
        kind,
        pileId,
        connector,
        sessionId,
        vehicle: parameters.vehicle ?? null,
        channelId: parameters.channelId ?? null,
        operator: pile.owner,
        state: 'open',
        openedAt: at,
      })
      .onConflictDoUpdate({
        target: orders.sessionId,
        set: {
          connector,
          vehicle: sql`coalesce(${orders.vehicle}, excluded.vehicle)`,
          channelId: sql`coalesce(${orders.channelId}, excluded.channel_id)`,
        },
        setWhere: and(eq(orders.pileId, pileId), eq(orders.kind, kind)),
      })
      .returning()
    if (!order) return undefined
    await tx
      .insert(connectors)
      .values({ pileId, connector, orderId: order.id })
      .onConflictDoUpdate({ target: [connectors.pileId, connectors.connector], set: { orderId: order.id } })
    return order
  })
}

export interface StartOcppTransactionParameters {
  pileId: number
  connector: number
  idTag: string
  meterStartWh: number
  /** The charger's timestamp. */
  at: Date
}

export interface StartOcppTransactionReturnType {
  /** Its id is the transactionId the charger is given. */
  order: Order
  /** True when it is a chain session the pile linked first; false for an off-chain (`ocpp`) order. */
  linked: boolean
}

/**
 * A StartTransaction. A chain session linked to the connector and not started yet is this transaction (it starts
 * charging); otherwise a third-party transaction becomes an off-chain `ocpp` order. A StartTransaction sent again
 * (its answer was lost) gets the same order.
 */
export async function startOcppTransaction(
  db: Db,
  parameters: StartOcppTransactionParameters,
): Promise<StartOcppTransactionReturnType> {
  const { pileId, connector, idTag, meterStartWh, at } = parameters
  return db.transaction(async (tx) => {
    const [linked] = await tx
      .select({ order: orders })
      .from(connectors)
      .innerJoin(orders, eq(orders.id, connectors.orderId))
      .where(and(eq(connectors.pileId, pileId), eq(connectors.connector, connector)))
      .for('update', { of: orders })
    const link = linked?.order
    if (
      link &&
      link.kind !== 'ocpp' &&
      link.meterStopWh === null &&
      (link.meterStartWh === null || link.meterStartWh === meterStartWh)
    ) {
      const [order] = await tx
        .update(orders)
        .set({
          meterStartWh,
          idTag,
          // An escrow session opened on chain; a channel or free session opens when the pile starts charging.
          ...(link.kind === 'escrow' ? {} : { openedAt: at }),
          state: sql`case when ${orders.state} = 'open' then 'charging'::order_state else ${orders.state} end`,
        })
        .where(eq(orders.id, link.id))
        .returning()
      if (!order) throw new NotFoundError(`order ${link.id}`)
      return { order, linked: true }
    }

    const [again] = await tx
      .select()
      .from(orders)
      .where(
        and(
          eq(orders.pileId, pileId),
          eq(orders.openedAt, at),
          eq(orders.kind, 'ocpp'),
          eq(orders.connector, connector),
          eq(orders.meterStartWh, meterStartWh),
        ),
      )
    if (again) return { order: again, linked: false }

    const [pile] = await tx.select({ owner: piles.owner }).from(piles).where(eq(piles.id, pileId))
    if (!pile) throw new NotFoundError(`pile ${pileId}`)
    const [order] = await tx
      .insert(orders)
      .values({
        kind: 'ocpp',
        pileId,
        connector,
        idTag,
        operator: pile.owner,
        state: 'charging',
        openedAt: at,
        meterStartWh,
      })
      .returning()
    if (!order) throw new NotFoundError('order returned by the insert')
    await tx
      .insert(connectors)
      .values({ pileId, connector, orderId: order.id })
      .onConflictDoUpdate({ target: [connectors.pileId, connectors.connector], set: { orderId: order.id } })
    return { order, linked: false }
  })
}

export interface StopOcppTransactionParameters {
  pileId: number
  orderId: number
  meterStopWh: number
  at: Date
  reason?: string | null
}

/**
 * A StopTransaction. Records the stop reading and reason and frees the connector. An off-chain or free order ends
 * here (settled, its energy from meterStart to meterStop; if that span fails `checkReading` — a meter going back,
 * SteVe #1297, or a jump the rated power cannot explain — from meterStart to the order's last counted reading
 * instead). An escrow or channel order's end, energy and money come from the chain. Undefined when the order is not
 * this pile's; a stop sent again changes nothing.
 */
export async function stopOcppTransaction(
  db: Db,
  parameters: StopOcppTransactionParameters,
): Promise<Order | undefined> {
  const { pileId, orderId, meterStopWh, at } = parameters
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ order: orders, ratedPowerW: piles.ratedPowerW })
      .from(orders)
      .innerJoin(piles, eq(piles.id, orders.pileId))
      .where(and(eq(orders.id, orderId), eq(orders.pileId, pileId)))
      .for('update', { of: orders })
    if (!found) return undefined
    const { order: before, ratedPowerW } = found
    if (before.meterStopWh !== null) return before

    const endsHere = before.kind === 'ocpp' || before.kind === 'free'
    let energyWh = before.energyWh
    if (endsHere && before.meterStartWh !== null) {
      const start = { energyWh: before.meterStartWh, at: before.openedAt }
      const flag = checkReading(start, { energyWh: meterStopWh, at }, { ratedPowerW })
      if (flag === null) energyWh = meterStopWh - before.meterStartWh
      else {
        const [last] = await tx
          .select({ energyWh: max(meterValues.energyWh) })
          .from(meterValues)
          .where(and(eq(meterValues.orderId, orderId), isNull(meterValues.flag)))
        energyWh = Math.max(0, (last?.energyWh ?? before.meterStartWh) - before.meterStartWh)
      }
    }
    const [order] = await tx
      .update(orders)
      .set({
        meterStopWh,
        stopReason: parameters.reason ?? null,
        ...(endsHere ? { state: 'settled' as const, endedAt: at, energyWh } : {}),
      })
      .where(eq(orders.id, orderId))
      .returning()
    await tx
      .update(connectors)
      .set({ orderId: null })
      .where(and(eq(connectors.pileId, pileId), eq(connectors.orderId, orderId)))
    return order
  })
}

/**
 * The charger's connection that opened at `connectedAt` closed: the charger (disconnectedAt) and its pile's
 * connectors go offline, unless a newer connection of it (on this instance or another) was recorded meanwhile.
 * Returns the connectors it took offline, or undefined when a newer connection holds the charger.
 */
export async function markChargerOffline(
  db: Db,
  chargerId: string,
  connectedAt: Date,
  at: Date,
): Promise<{ pileId: number; connectors: Connector[] } | undefined> {
  return db.transaction(async (tx) => {
    const [charger] = await tx
      .select({ pileId: chargers.pileId, lastConnectedAt: chargers.lastConnectedAt })
      .from(chargers)
      .where(eq(chargers.id, chargerId))
      .for('update')
    if (!charger || charger.lastConnectedAt?.getTime() !== connectedAt.getTime()) return undefined
    await tx.update(chargers).set({ disconnectedAt: at }).where(eq(chargers.id, chargerId))
    return { pileId: charger.pileId, connectors: await takeConnectorsOffline(tx, [charger.pileId], at) }
  })
}

/** The connectors of `pileIds` not offline yet go offline at `at`, their charger's connection closed; returned. */
export async function takeConnectorsOffline(db: Db, pileIds: number[], at: Date): Promise<Connector[]> {
  return db
    .update(connectors)
    .set({ status: 'offline', statusAt: at })
    .where(and(inArray(connectors.pileId, pileIds), ne(connectors.status, 'offline')))
    .returning()
}

export type Channel = typeof channels.$inferSelect

/** A channel as the operator's ledger holds it; undefined if the indexer has not seen it. */
export async function getChannelLedger(db: Db, channelId: Hex): Promise<Channel | undefined> {
  const [row] = await db.select().from(channels).where(eq(channels.channelId, channelId))
  return row
}

export interface RecordChannelVoucherParameters {
  channelId: Hex
  /** The voucher's cumulative amount. */
  amount: bigint
  signature: Hex
  at: Date
}

export type RecordChannelVoucherReturnType =
  | { recorded: true; channel: Channel }
  | {
      recorded: false
      /** No such channel; the voucher is not above the ledger's; it exceeds the deposit; the channel closed. */
      reason: 'unknownChannel' | 'notAbove' | 'aboveDeposit' | 'closed'
      channel?: Channel
    }

/**
 * A pile took a voucher: it becomes the ledger's cumulative amount if it is above the one recorded (so two piles
 * of one operator never both count the same money) and within the deposit, on a channel not closed.
 */
export async function recordChannelVoucher(
  db: Db,
  parameters: RecordChannelVoucherParameters,
): Promise<RecordChannelVoucherReturnType> {
  const { channelId, amount, signature, at } = parameters
  const [channel] = await db
    .update(channels)
    .set({ voucherAmount: amount, voucherSignature: signature, voucherAt: at })
    .where(
      and(
        eq(channels.channelId, channelId),
        lt(channels.voucherAmount, amount),
        sql`${channels.deposit} >= ${amount.toString()}::numeric`,
        ne(channels.state, 'closed'),
      ),
    )
    .returning()
  if (channel) return { recorded: true, channel }
  const current = await getChannelLedger(db, channelId)
  if (!current) return { recorded: false, reason: 'unknownChannel' }
  const reason =
    current.state === 'closed' ? 'closed' : amount <= current.voucherAmount ? 'notAbove' : 'aboveDeposit'
  return { recorded: false, reason, channel: current }
}

/** Where a command about an order goes: its pile, connector and the pile's charger (null without one). */
export async function findOrderCharger(
  db: Db,
  orderId: number,
): Promise<
  { orderId: number; pileId: number; connector: number | null; chargerId: string | null } | undefined
> {
  const [row] = await db
    .select({
      orderId: orders.id,
      pileId: orders.pileId,
      connector: orders.connector,
      chargerId: chargers.id,
    })
    .from(orders)
    .leftJoin(chargers, eq(chargers.pileId, orders.pileId))
    .where(eq(orders.id, orderId))
  return row
}

/** The charger id of a pile; undefined if the pile has none. */
export async function findPileCharger(db: Db, pileId: number): Promise<string | undefined> {
  const [row] = await db.select({ id: chargers.id }).from(chargers).where(eq(chargers.pileId, pileId))
  return row?.id
}
