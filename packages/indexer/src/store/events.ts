import { chainEvents, type Db, type Hex } from '@chargechain/db'
import { and, eq, sql } from 'drizzle-orm'
import type { StoredEvent } from '../events.js'
import { array, column, query, textList } from './sql.js'

export type Contract = StoredEvent['contract']

/**
 * Stores a batch's events, in one statement: each column as one array, the arguments as one JSON array, `unnest` and
 * `jsonb_array_elements` side by side in the select list yielding the rows in step; a block's hash and time are
 * sent once, each event naming its block by position. The primary key (chain, block, log index) refuses a second
 * copy.
 */
export async function insertEvents(tx: Db, chainId: number, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return
  const blocks = new Map<Hex, { position: number; time: string }>()
  for (const event of events)
    if (!blocks.has(event.blockHash))
      blocks.set(event.blockHash, { position: blocks.size + 1, time: event.blockTime.toISOString() })
  const hashes = array('text', [...blocks.keys()])
  const times = [...blocks.values()].map((block) => block.time)
  const columns = [
    column('bigint', events, (event) => event.blockNumber),
    column('integer', events, (event) => event.logIndex),
    column('integer', events, (event) => blocks.get(event.blockHash)?.position ?? null),
    column('text', events, (event) => event.transactionHash),
    column('text', events, (event) => event.contract),
    column('text', events, (event) => event.eventName),
    column('text', events, (event) => event.subject),
    sql`jsonb_array_elements(${JSON.stringify(events.map((event) => event.args))}::jsonb)`,
  ]
  await tx.execute(sql`
    insert into chain_events
      (chain_id, block_number, log_index, block_hash, block_time, transaction_hash, contract, event_name, subject, args)
    select ${chainId}::integer, e.block_number, e.log_index, b.block_hash, b.block_time, e.transaction_hash,
      e.contract, e.event_name, e.subject, e.args
    from (select ${sql.join(columns, sql`, `)}) as e(block_number, log_index, block, transaction_hash, contract,
      event_name, subject, args)
    join unnest(${hashes}, ${array('timestamptz', times)}) with ordinality as b(block_hash, block_time, position)
      on b.position = e.block`)
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
