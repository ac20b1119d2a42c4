import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { count, hex, instant } from './columns.js'

/**
 * Where the chain indexer stands on one chain. Rows whose `chainBlock` is above `finalizedBlock` are pending; a
 * reorg reaching at or below it is an error.
 */
export const indexerCursors = pgTable('indexer_cursors', {
  chainId: integer().primaryKey(),
  /** The last block whose events are all applied. */
  blockNumber: count().notNull(),
  blockHash: hex().notNull(),
  finalizedBlock: count().notNull(),
  updatedAt: instant().notNull().defaultNow(),
})

/** Hashes of the applied blocks above the finalised one: a new block whose parent is not here means a reorg. */
export const indexerBlocks = pgTable(
  'indexer_blocks',
  {
    chainId: integer().notNull(),
    blockNumber: count().notNull(),
    blockHash: hex().notNull(),
    parentHash: hex().notNull(),
  },
  (table) => [primaryKey({ columns: [table.chainId, table.blockNumber] })],
)

/**
 * Every ChargeChain event applied, in chain order. An order's, pile's or channel's transactions are its events;
 * after a reorg the rows it touched are rebuilt from the events that remain.
 */
export const chainEvents = pgTable(
  'chain_events',
  {
    chainId: integer().notNull(),
    blockNumber: count().notNull(),
    logIndex: integer().notNull(),
    blockHash: hex().notNull(),
    /** The block's timestamp: when a settlement or refund ended its order, rebuilt from the events after a reorg. */
    blockTime: instant().notNull(),
    transactionHash: hex().notNull(),
    /** `pileRegistry`, `sessionEscrow` or `paymentChannels`. */
    contract: text().notNull(),
    eventName: text().notNull(),
    /** The pile, session or channel id the event is about. */
    subject: hex().notNull(),
    /** The decoded arguments, bigints as decimal strings. */
    args: jsonb().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.chainId, table.blockNumber, table.logIndex] }),
    index().on(table.subject, table.blockNumber, table.logIndex),
  ],
)
