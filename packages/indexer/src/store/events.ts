import { chainEvents, type Db, type Hex } from '@chargechain/db'
import { and, eq, sql } from 'drizzle-orm'
import type { StoredEvent } from '../events.js'
import { jsonRows, query, textList } from './sql.js'

export type Contract = StoredEvent['contract']

/** Stores a batch's events, in one statement. The primary key (chain, block, log index) refuses a second copy. */
export async function insertEvents(tx: Db, chainId: number, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return
  const rows = events.map((event) => ({
    chain_id: chainId,
    block_number: event.blockNumber,
    log_index: event.logIndex,
    block_hash: event.blockHash,
    block_time: event.blockTime.toISOString(),
    transaction_hash: event.transactionHash,
    contract: event.contract,
    event_name: event.eventName,
    subject: event.subject,
    args: event.args,
  }))
  await tx.execute(sql`
    insert into chain_events
      (chain_id, block_number, log_index, block_hash, block_time, transaction_hash, contract, event_name, subject, args)
    select * from jsonb_to_recordset(${jsonRows(rows)}) as r(
      chain_id integer, block_number bigint, log_index integer, block_hash text, block_time timestamptz,
      transaction_hash text, contract text, event_name text, subject text, args jsonb)`)
}

/** Deletes the events above `blockNumber` (an abandoned branch) and returns the subjects they were about. */
export async function deleteEventsAbove(
  tx: Db,
  chainId: number,
  blockNumber: number,
): Promise<Map<Hex, Contract>> {
  const rows = await query(
    tx,
    sql`delete from chain_events where chain_id = ${chainId} and block_number > ${blockNumber}
        returning subject, contract`,
  )
  return new Map(rows.map((row) => [String(row.subject) as Hex, String(row.contract) as Contract]))
}

/** Every stored event of these subjects, in chain order. */
export async function loadEvents(db: Db, chainId: number, subjects: Iterable<Hex>): Promise<StoredEvent[]> {
  const list = [...subjects]
  if (list.length === 0) return []
  const rows = await db
    .select()
    .from(chainEvents)
    .where(and(eq(chainEvents.chainId, chainId), sql`${chainEvents.subject} in ${textList(list)}`))
    .orderBy(chainEvents.blockNumber, chainEvents.logIndex)
  return rows.map(
    (row) =>
      ({
        blockNumber: row.blockNumber,
        logIndex: row.logIndex,
        blockHash: row.blockHash,
        blockTime: row.blockTime,
        transactionHash: row.transactionHash,
        subject: row.subject,
        contract: row.contract,
        eventName: row.eventName,
        args: row.args,
      }) as StoredEvent,
  )
}
