import type { Deployment } from '@chargechain/chain'
import type { Db } from '@chargechain/db'
import type { Logger } from 'pino'
import type { Client } from 'viem'
import { getBlockNumber } from 'viem/actions'
import { LogRangeError, ReorgTooDeepError } from '../errors.js'
import type { StoredEvent } from '../events.js'
import { applyBatch, type Batch } from '../store/applyBatch.js'
import { type BlockHeader, type Cursor, readBlocks, readCursor } from '../store/cursor.js'
import { type BlockRange, isRangeCapped } from './blockRange.js'
import { findCommonAncestor, getHeader, getHeaders, isChained } from './blocks.js'
import { fetchEvents } from './fetchEvents.js'

export interface SyncContext {
  db: Db
  client: Client
  deployment: Deployment
  confirmations: number
  finalityDepth: number
  range: BlockRange
  logger: Logger
}

export interface SyncReturnType {
  /** The chain's head when the call began: the indexer has applied every block up to it. */
  head: number
  blockNumber: number
  finalizedBlock: number
  /** Batches this call committed, and the events in them. */
  batches: number
  events: number
  /** Reorgs undone. */
  reorgs: number
  /** Batches dropped because another indexer on the database had applied those blocks first. */
  raced: number
}

/**
 * Brings the database up to the chain's current head, batch by batch: blocks old enough to be final are read in
 * large ranges; newer ones with their headers, which are kept to detect a reorg. A reorg is undone back to the
 * common ancestor in the same transaction that applies the new branch.
 */
export async function syncOnce(context: SyncContext): Promise<SyncReturnType> {
  const { db, client, deployment, confirmations, range, logger } = context
  const chainId = deployment.chainId
  const head = Number(await getBlockNumber(client, { cacheTime: 0 }))
  const finalizedTarget = head - confirmations
  const result = { head, blockNumber: 0, finalizedBlock: 0, batches: 0, events: 0, reorgs: 0, raced: 0 }
  let cursor = await readCursor(db, chainId)
  // Whether the cursor's block is known to be still on the chain (checked, or just written from checked headers).
  let checked = false
  // The next final range, read while the current batch is written (the node and the database work at once).
  let ahead: { from: number; read: Promise<Read> } | undefined
  for (;;) {
    let rewindTo: BlockHeader | undefined
    if (cursor && !checked) {
      const current = await getHeader(client, cursor.blockNumber)
      if (current?.hash !== cursor.blockHash) rewindTo = await commonAncestor(context, cursor)
      checked = true
    }
    const base = rewindTo ?? (cursor && { number: cursor.blockNumber, hash: cursor.blockHash })
    const from = base ? base.number + 1 : deployment.startBlock
    const finalizedBlock = (to: number) =>
      Math.max(0, Math.min(to, Math.max(cursor?.finalizedBlock ?? 0, finalizedTarget)))

    let batch: Batch
    if (from > head) {
      if (!base) break
      // Nothing new: only the finalised block may move, or a reorg left a shorter chain.
      if (!rewindTo && cursor && cursor.finalizedBlock === finalizedBlock(cursor.blockNumber)) break
      batch = {
        after: cursor,
        ...(rewindTo ? { rewindTo: { blockNumber: rewindTo.number, blockHash: rewindTo.hash } } : {}),
        events: [],
        blocks: [],
        to: { blockNumber: base.number, blockHash: base.hash },
        finalizedBlock: finalizedBlock(base.number),
      }
    } else {
      const historical = from <= finalizedTarget
      let readAhead = ahead?.from === from ? ahead.read : undefined
      ahead = undefined
      const to = Math.min(from + range.size - 1, finalizedTarget)
      if (historical && !readAhead && to > from) {
        // Nothing read ahead yet (this call's first final range): read it as two halves at once, so the node
        // serves the second while the first is written, and a first range too large for the provider's cap
        // (often the case in a backfill) is not asked for whole only to be refused.
        const half = from + Math.floor((to - from + 1) / 2)
        readAhead = readFinal(context, from, half - 1)
        ahead = { from: half, read: readFinal(context, half, to) }
        ahead.read.catch(() => {})
      }
      const read = historical
        ? await (readAhead ?? readFinal(context, from, to))
        : await readUnfinalised(context, from, Math.min(from + range.size - 1, head), base?.hash)
      if (read === 'capped' || read === 'reorged') {
        // Check the cursor again: a reorg found above must be found again, and one may have begun meanwhile.
        checked = false
        continue
      }
      batch = {
        after: cursor,
        ...(rewindTo ? { rewindTo: { blockNumber: rewindTo.number, blockHash: rewindTo.hash } } : {}),
        events: read.events,
        blocks: read.blocks,
        to: { blockNumber: read.last.number, blockHash: read.last.hash },
        finalizedBlock: finalizedBlock(read.last.number),
      }
      const next = read.last.number + 1
      if (historical && next <= finalizedTarget && ahead?.from !== next) {
        const reading = readFinal(context, next, Math.min(next + range.size - 1, finalizedTarget))
        // Dropped unread when the batch races or fails; its failure then matters to nobody.
        reading.catch(() => {})
        ahead = { from: next, read: reading }
      }
    }

    const applied = await applyBatch(db, chainId, batch)
    if (!applied.applied) {
      // Another indexer moved the cursor: start again from where it left it.
      cursor = applied.cursor
      checked = false
      result.raced += 1
      continue
    }
    cursor = {
      blockNumber: batch.to.blockNumber,
      blockHash: batch.to.blockHash,
      finalizedBlock: batch.finalizedBlock,
    }
    result.batches += 1
    result.events += applied.events
    if (rewindTo) result.reorgs += 1
    logger.info(
      {
        from: batch.rewindTo ? batch.rewindTo.blockNumber + 1 : from,
        to: batch.to.blockNumber,
        events: applied.events,
        head,
        finalized: batch.finalizedBlock,
        ...(rewindTo ? { reorg: { ancestor: rewindTo.number, undone: applied.rewound } } : {}),
      },
      rewindTo ? 'reorg undone, new branch applied' : 'blocks applied',
    )
    if (cursor.blockNumber >= head) break
  }
  return { ...result, blockNumber: cursor?.blockNumber ?? 0, finalizedBlock: cursor?.finalizedBlock ?? 0 }
}

type Read = { events: StoredEvent[]; blocks: BlockHeader[]; last: BlockHeader } | 'capped' | 'reorged'

/** Final blocks: their events in one request, and the last block's header for the cursor. */
async function readFinal(context: SyncContext, from: number, to: number): Promise<Read> {
  const events = await getEvents(context, from, to)
  if (events === 'capped') return events
  const last = await getHeader(context.client, to)
  if (!last) return 'reorged'
  return { events, blocks: [last], last }
}

/**
 * Unfinalised blocks: their headers (which must chain onto the cursor), their events, then the last header again;
 * if anything moved in between, the caller starts over.
 */
async function readUnfinalised(
  context: SyncContext,
  from: number,
  to: number,
  parentHash: BlockHeader['hash'] | undefined,
): Promise<Read> {
  const headers = await getHeaders(context.client, from, to)
  if (!headers || !isChained(headers, parentHash)) return 'reorged'
  const events = await getEvents(context, from, to)
  if (events === 'capped') return events
  const last = headers[headers.length - 1]
  const again = await getHeader(context.client, to)
  if (!last || again?.hash !== last.hash) return 'reorged'
  const hashes = new Map(headers.map((header) => [header.number, header.hash]))
  if (events.some((event) => hashes.get(event.blockNumber) !== event.blockHash)) return 'reorged'
  return { events, blocks: headers, last }
}

async function getEvents(context: SyncContext, from: number, to: number): Promise<StoredEvent[] | 'capped'> {
  try {
    const events = await fetchEvents(context.client, context.deployment, from, to)
    context.range.succeeded()
    return events
  } catch (error) {
    if (!isRangeCapped(error)) throw error
    const size = to - from + 1
    if (!context.range.refused(size)) throw new LogRangeError(BigInt(from), error)
    context.logger.info(
      { from, to, next: context.range.size },
      'provider capped eth_getLogs; asking for less',
    )
    return 'capped'
  }
}

/** The block a reorg forked from, if it is within reach; else ReorgTooDeepError. */
async function commonAncestor(context: SyncContext, cursor: Cursor): Promise<BlockHeader> {
  const kept = await readBlocks(context.db, context.deployment.chainId)
  const ancestor = await findCommonAncestor(context.client, kept)
  const lowest = kept.at(-1)?.number ?? cursor.blockNumber
  if (!ancestor) throw new ReorgTooDeepError(lowest, cursor.finalizedBlock, context.finalityDepth)
  if (cursor.blockNumber - ancestor.number > context.finalityDepth || ancestor.number < cursor.finalizedBlock)
    throw new ReorgTooDeepError(ancestor.number + 1, cursor.finalizedBlock, context.finalityDepth)
  context.logger.warn(
    { cursor: cursor.blockNumber, ancestor: ancestor.number, depth: cursor.blockNumber - ancestor.number },
    'reorg: undoing the abandoned branch',
  )
  return ancestor
}
