import { type Db, type Hex, indexerBlocks, indexerCursors } from '@chargechain/db'
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm'

/** Where the indexer stands on one chain: the last block whose events are all applied. */
export interface Cursor {
  blockNumber: number
  blockHash: Hex
  finalizedBlock: number
}

export interface BlockHeader {
  number: number
  hash: Hex
  parentHash: Hex
}

// pg_advisory_xact_lock(class, chain id): "CCIX", so no other lock of the project collides.
const LOCK_CLASS = 0x43434958

/**
 * Serialises batches of one chain across every process on the database, until the transaction ends. On PGlite the
 * process owns the folder anyway; on PostgreSQL two indexers take turns and each re-reads the cursor after it.
 */
export async function lockChain(tx: Db, chainId: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASS}::integer, ${chainId}::integer)`)
}

export async function readCursor(db: Db, chainId: number): Promise<Cursor | undefined> {
  const [row] = await db
    .select({
      blockNumber: indexerCursors.blockNumber,
      blockHash: indexerCursors.blockHash,
      finalizedBlock: indexerCursors.finalizedBlock,
    })
    .from(indexerCursors)
    .where(eq(indexerCursors.chainId, chainId))
  return row
}

export function sameCursor(a: Cursor | undefined, b: Cursor | undefined): boolean {
  return a?.blockNumber === b?.blockNumber && a?.blockHash === b?.blockHash
}

export async function writeCursor(tx: Db, chainId: number, cursor: Cursor): Promise<void> {
  const values = { ...cursor, updatedAt: new Date() }
  await tx
    .insert(indexerCursors)
    .values({ chainId, ...values })
    .onConflictDoUpdate({ target: indexerCursors.chainId, set: values })
}

/** The kept hashes, newest first: the cursor's block and every block back to the finalised one. */
export async function readBlocks(db: Db, chainId: number): Promise<BlockHeader[]> {
  const rows = await db
    .select()
    .from(indexerBlocks)
    .where(eq(indexerBlocks.chainId, chainId))
    .orderBy(desc(indexerBlocks.blockNumber))
  return rows.map((row) => ({ number: row.blockNumber, hash: row.blockHash, parentHash: row.parentHash }))
}

/**
 * Keeps `blocks`' hashes, forgets those above `rewindTo` first (the abandoned branch) and those below the
 * finalised block after (a reorg can no longer reach them; the finalised block itself stays as the oldest anchor).
 */
export async function writeBlocks(
  tx: Db,
  chainId: number,
  blocks: readonly BlockHeader[],
  finalizedBlock: number,
  rewindTo: number | undefined,
): Promise<void> {
  if (rewindTo !== undefined)
    await tx
      .delete(indexerBlocks)
      .where(and(eq(indexerBlocks.chainId, chainId), gt(indexerBlocks.blockNumber, rewindTo)))
  if (blocks.length > 0)
    await tx
      .insert(indexerBlocks)
      .values(
        blocks.map((block) => ({
          chainId,
          blockNumber: block.number,
          blockHash: block.hash,
          parentHash: block.parentHash,
        })),
      )
      .onConflictDoUpdate({
        target: [indexerBlocks.chainId, indexerBlocks.blockNumber],
        set: { blockHash: sql`excluded.block_hash`, parentHash: sql`excluded.parent_hash` },
      })
  await tx
    .delete(indexerBlocks)
    .where(and(eq(indexerBlocks.chainId, chainId), lt(indexerBlocks.blockNumber, finalizedBlock)))
}
