import { type Db, type Hex, type LiveEvent, publishLiveMany } from '@chargechain/db'
import { compareEvents, type StoredEvent } from '../events.js'
import { World } from '../indexing/world.js'
import {
  type BlockHeader,
  type Cursor,
  lockChain,
  readCursor,
  sameCursor,
  writeBlocks,
  writeCursor,
} from './cursor.js'
import { type Contract, deleteEventsAbove, insertEvents, loadEvents } from './events.js'
import { writeChannels, writeDisputes, writePiles, writeSessions } from './rows.js'

/** A block range's events and where the cursor goes after them. */
export interface Batch {
  /** The cursor the batch was read after; if another instance moved it meanwhile, nothing is written. */
  after: Cursor | undefined
  /** A reorg's common ancestor: everything above it is undone first, in the same transaction. */
  rewindTo?: { blockNumber: number; blockHash: Hex }
  /** The range's events, in chain order. */
  events: readonly StoredEvent[]
  /** Hashes to keep for reorg detection: the range's last block, and every block of an unfinalised range. */
  blocks: readonly BlockHeader[]
  to: { blockNumber: number; blockHash: Hex }
  finalizedBlock: number
}

export type ApplyBatchReturnType =
  | { applied: true; events: number; rewound: number }
  | { applied: false; cursor: Cursor | undefined }

/**
 * Applies a batch in one transaction: the rows, the events and the cursor commit together or not at all, so each
 * event is applied exactly once across crashes, and under the chain's advisory lock, so two indexers on one
 * database never both apply it.
 */
export async function applyBatch(db: Db, chainId: number, batch: Batch): Promise<ApplyBatchReturnType> {
  return db.transaction(async (tx) => {
    await lockChain(tx, chainId)
    const cursor = await readCursor(tx, chainId)
    if (!sameCursor(cursor, batch.after)) return { applied: false as const, cursor }

    const undone = batch.rewindTo
      ? await deleteEventsAbove(tx, chainId, batch.rewindTo.blockNumber)
      : new Map<Hex, Contract>()
    const subjects = new Map(undone)
    for (const event of batch.events) subjects.set(event.subject, event.contract)

    const world = await replay(tx, chainId, subjects, batch.events)
    await insertEvents(tx, chainId, batch.events)
    const live = await writeSubjects(tx, world, subjects, undone)

    await writeCursor(tx, chainId, {
      blockNumber: batch.to.blockNumber,
      blockHash: batch.to.blockHash,
      finalizedBlock: batch.finalizedBlock,
    })
    await writeBlocks(tx, chainId, batch.blocks, batch.finalizedBlock, batch.rewindTo?.blockNumber)
    await publishLiveMany(tx, live)
    return { applied: true as const, events: batch.events.length, rewound: undone.size }
  })
}

/**
 * The facts of `subjects` after the stored events that remain and then the batch's: each subject's whole history,
 * with the registry history of every pile a session opened at (whose owner and terms the session takes).
 */
async function replay(
  tx: Db,
  chainId: number,
  subjects: ReadonlyMap<Hex, Contract>,
  fresh: readonly StoredEvent[],
): Promise<World> {
  const stored = await loadEvents(tx, chainId, subjects.keys())
  const piles = new Set<Hex>()
  for (const event of [...stored, ...fresh])
    if (event.eventName === 'SessionOpened' && !subjects.has(event.args.pileId)) piles.add(event.args.pileId)
  const context = await loadEvents(tx, chainId, piles)
  const world = new World()
  for (const event of [...stored, ...context, ...fresh].sort(compareEvents)) world.apply(event)
  return world
}

/**
 * Writes every subject's rows from the world's facts. An undone subject without facts lost its whole history (or
 * its dispute) to the reorg: its row goes.
 */
async function writeSubjects(
  tx: Db,
  world: World,
  subjects: ReadonlyMap<Hex, Contract>,
  undone: ReadonlyMap<Hex, Contract>,
): Promise<LiveEvent[]> {
  const split = <T>(contract: Contract, facts: ReadonlyMap<Hex, T>) => {
    const present: T[] = []
    const absent: Hex[] = []
    for (const [subject, kind] of subjects) {
      if (kind !== contract) continue
      const found = facts.get(subject)
      if (found) present.push(found)
      else if (undone.has(subject)) absent.push(subject)
    }
    return [present, absent] as const
  }
  const piles = split('pileRegistry', world.piles)
  const sessions = split('sessionEscrow', world.sessions)
  const disputes = split('sessionEscrow', world.disputes)
  const channels = split('paymentChannels', world.channels)
  // Deletions first: a dispute goes before its order, an order before the registration of its pile.
  const live = [
    ...(await writePiles(tx, piles[0], [])),
    ...(await writeDisputes(tx, [], disputes[1])),
    ...(await writeSessions(tx, sessions[0], sessions[1])),
    ...(await writeDisputes(tx, disputes[0], [])),
    ...(await writePiles(tx, [], piles[1])),
  ]
  await writeChannels(tx, channels[0], channels[1])
  return live
}
