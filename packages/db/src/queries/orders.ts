import { and, asc, desc, eq, gte, lt, max, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../database.js'
import { InvalidParameterError } from '../errors.js'
import type { Hex } from '../schema/columns.js'
import { chainEvents, indexerCursors, orders } from '../schema/index.js'
import { decodeCursor, encodeCursor } from './cursor.js'

export type Order = typeof orders.$inferSelect
export type OrderState = Order['state']
export type OrderKind = Order['kind']

/** An order as lists show it: the row, and whether its last chain change still waits for finality. */
export type OrderView = Order & { pending: boolean }

export interface OrderFilter {
  pileId?: number
  vehicle?: Hex
  state?: OrderState
  kind?: OrderKind
  /** Opened at or after. */
  openedFrom?: Date
  /** Opened before. */
  openedBefore?: Date
}

/** What an order list can be sorted by: time (any filter is one index range) or delivered energy. */
export type OrderSort = 'openedAt' | 'energyWh'

export interface ListOrdersParameters extends OrderFilter {
  sort?: OrderSort
  /** `desc` (newest, or most energy, first) by default. */
  direction?: 'asc' | 'desc'
  /** 1–1000; 50 by default. */
  limit?: number
  /** The `nextCursor` of the previous page, for the same filter and sort. */
  cursor?: string
}

export interface ListOrdersReturnType {
  orders: OrderView[]
  /** Absent on the last page. */
  nextCursor?: string
}

const sortColumns = { openedAt: orders.openedAt, energyWh: orders.energyWh } as const

/**
 * One page of orders, filtered and sorted, paged by keyset: each page is a range of an index that starts with the
 * filter's columns, so the hundredth page costs what the first does.
 */
export async function listOrders(
  db: Db,
  parameters: ListOrdersParameters = {},
): Promise<ListOrdersReturnType> {
  const { sort = 'openedAt', direction = 'desc', limit = 50 } = parameters
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new InvalidParameterError('limit', 'a whole number from 1 to 1000', limit)
  const column = sortColumns[sort]
  const conditions = filterConditions(parameters)
  if (parameters.cursor !== undefined) {
    const cursor = decodeCursor(parameters.cursor, sort, direction)
    const value = sort === 'openedAt' ? new Date(cursor.value) : cursor.value
    conditions.push(
      direction === 'desc'
        ? sql`(${column}, ${orders.id}) < (${value}, ${cursor.id})`
        : sql`(${column}, ${orders.id}) > (${value}, ${cursor.id})`,
    )
  }
  const order = direction === 'desc' ? [desc(column), desc(orders.id)] : [asc(column), asc(orders.id)]
  const [rows, finalized] = await Promise.all([
    db
      .select()
      .from(orders)
      .where(and(...conditions))
      .orderBy(...order)
      .limit(limit + 1),
    finalizedBlock(db),
  ])
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    orders: page.map((row) => ({ ...row, pending: isPending(row.chainBlock, finalized) })),
    ...(rows.length > limit && last
      ? {
          nextCursor: encodeCursor({
            sort,
            direction,
            value: sort === 'openedAt' ? last.openedAt.getTime() : last.energyWh,
            id: last.id,
          }),
        }
      : {}),
  }
}

/**
 * Every order the filter matches, page by page, for exports that stream: memory holds one page, whatever the total.
 */
export async function* iterateOrders(
  db: Db,
  parameters: Omit<ListOrdersParameters, 'cursor'> = {},
): AsyncGenerator<OrderView> {
  let cursor: string | undefined
  do {
    const page = await listOrders(db, {
      limit: 500,
      ...parameters,
      ...(cursor === undefined ? {} : { cursor }),
    })
    yield* page.orders
    cursor = page.nextCursor
  } while (cursor !== undefined)
}

/** A chain transaction that touched an order, and whether it still waits for finality. */
export interface OrderTransaction {
  eventName: string
  transactionHash: Hex
  blockNumber: number
  logIndex: number
  pending: boolean
}

export interface OrderDetail {
  order: OrderView
  /** The chain events of its session (escrow) or channel, in chain order. */
  transactions: OrderTransaction[]
}

/** One order with its chain transactions; undefined if there is none with this id. */
export async function getOrder(db: Db, id: number): Promise<OrderDetail | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id))
  if (!row) return undefined
  const subject = row.kind === 'channel' ? row.channelId : row.kind === 'escrow' ? row.sessionId : null
  const [finalized, transactions] = await Promise.all([
    finalizedBlock(db),
    subject === null ? [] : subjectTransactions(db, subject),
  ])
  return { order: { ...row, pending: isPending(row.chainBlock, finalized) }, transactions }
}

/**
 * The chain transactions about one pile, session or channel id (a registry pile id shows where its on-chain
 * settings came from), in chain order, each pending until finalised.
 */
export async function subjectTransactions(db: Db, subject: Hex): Promise<OrderTransaction[]> {
  const [finalized, events] = await Promise.all([
    finalizedBlock(db),
    db
      .select({
        eventName: chainEvents.eventName,
        transactionHash: chainEvents.transactionHash,
        blockNumber: chainEvents.blockNumber,
        logIndex: chainEvents.logIndex,
      })
      .from(chainEvents)
      .where(eq(chainEvents.subject, subject))
      .orderBy(asc(chainEvents.blockNumber), asc(chainEvents.logIndex)),
  ])
  return events.map((event) => ({ ...event, pending: isPending(event.blockNumber, finalized) }))
}

function filterConditions(filter: OrderFilter): SQL[] {
  const conditions: SQL[] = []
  if (filter.pileId !== undefined) conditions.push(eq(orders.pileId, filter.pileId))
  if (filter.vehicle !== undefined) conditions.push(eq(orders.vehicle, filter.vehicle))
  if (filter.state !== undefined) conditions.push(eq(orders.state, filter.state))
  if (filter.kind !== undefined) conditions.push(eq(orders.kind, filter.kind))
  if (filter.openedFrom !== undefined) conditions.push(gte(orders.openedAt, filter.openedFrom))
  if (filter.openedBefore !== undefined) conditions.push(lt(orders.openedAt, filter.openedBefore))
  return conditions
}

/** The highest finalised block the indexer has seen (one chain per database); undefined before it ran. */
export async function finalizedBlock(db: Db): Promise<number | undefined> {
  const [row] = await db.select({ block: max(indexerCursors.finalizedBlock) }).from(indexerCursors)
  return row?.block ?? undefined
}

function isPending(block: number | null, finalized: number | undefined): boolean {
  return block !== null && (finalized === undefined || block > finalized)
}
