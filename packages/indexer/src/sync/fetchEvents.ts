import type { Deployment } from '@chargechain/chain'
import type { Hex } from '@chargechain/db'
import { type Client, numberToHex, type RpcLog } from 'viem'
import { getBlock } from 'viem/actions'
import { followedAddresses, followedTopics, type StoredEvent } from '../events.js'
import { decodeLogs } from './decodeLogs.js'

/**
 * The followed events of blocks `fromBlock`…`toBlock`, decoded, with their blocks' times, in chain order. One
 * `eth_getLogs` (the caller sizes the range); a provider that leaves out `blockTimestamp` costs one header per
 * block with events.
 */
export async function fetchEvents(
  client: Client,
  deployment: Deployment,
  fromBlock: number,
  toBlock: number,
): Promise<StoredEvent[]> {
  const logs = (await client.request({
    method: 'eth_getLogs',
    params: [
      {
        address: followedAddresses(deployment),
        topics: [followedTopics],
        fromBlock: numberToHex(fromBlock),
        toBlock: numberToHex(toBlock),
      },
    ],
  })) as RpcLog[]
  const times = await blockTimes(client, logs)
  return decodeLogs(deployment, logs, (hash) => times.get(hash))
}

async function blockTimes(client: Client, logs: readonly RpcLog[]): Promise<Map<Hex, Date>> {
  const times = new Map<Hex, Date>()
  const missing = new Set<Hex>()
  for (const log of logs) {
    if (log.blockHash === null) continue
    const hash = log.blockHash.toLowerCase() as Hex
    if (typeof log.blockTimestamp === 'string') times.set(hash, new Date(Number(log.blockTimestamp) * 1000))
    else missing.add(hash)
  }
  const queue = [...missing]
  const worker = async () => {
    for (let hash = queue.pop(); hash !== undefined; hash = queue.pop()) {
      const block = await getBlock(client, { blockHash: hash })
      times.set(hash, new Date(Number(block.timestamp) * 1000))
    }
  }
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker))
  return times
}
