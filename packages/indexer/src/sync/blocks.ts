import type { Hex } from '@chargechain/db'
import { BlockNotFoundError, type Client } from 'viem'
import { getBlock } from 'viem/actions'
import type { BlockHeader } from '../store/cursor.js'

/** The header of block `number`; undefined if the chain is not that long (any more). */
export async function getHeader(client: Client, number: number): Promise<BlockHeader | undefined> {
  try {
    const block = await getBlock(client, { blockNumber: BigInt(number) })
    if (block.hash === null) return undefined
    return { number, hash: lower(block.hash), parentHash: lower(block.parentHash) }
  } catch (error) {
    if (error instanceof BlockNotFoundError) return undefined
    throw error
  }
}

/** Headers of blocks `from`…`to`, in order, a few requests at a time; undefined if one is missing (a reorg). */
export async function getHeaders(
  client: Client,
  from: number,
  to: number,
): Promise<BlockHeader[] | undefined> {
  const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i)
  const headers: (BlockHeader | undefined)[] = new Array(numbers.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < numbers.length; i = next++) headers[i] = await getHeader(client, numbers[i] ?? 0)
  }
  await Promise.all(Array.from({ length: Math.min(8, numbers.length) }, worker))
  const found = headers.filter((header) => header !== undefined)
  return found.length === numbers.length ? found : undefined
}

/** True when each header's parent is the one before it, and the first's is `parentHash`. */
export function isChained(headers: readonly BlockHeader[], parentHash: Hex | undefined): boolean {
  let parent = parentHash
  for (const header of headers) {
    if (parent !== undefined && header.parentHash !== parent) return false
    parent = header.hash
  }
  return true
}

/**
 * The newest kept block the chain still has (kept: newest first, from the cursor down to the finalised block);
 * undefined when the chain replaced all of them.
 */
export async function findCommonAncestor(
  client: Client,
  kept: readonly BlockHeader[],
): Promise<BlockHeader | undefined> {
  for (const block of kept) {
    const current = await getHeader(client, block.number)
    if (current?.hash === block.hash) return block
  }
  return undefined
}

function lower(value: Hex): Hex {
  return value.toLowerCase() as Hex
}
