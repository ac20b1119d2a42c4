import { getBlockNumber, getLogs } from 'viem/actions'
import { toContractError } from '../actions/internal/toContractError.js'
import type { ChargeChainReadClient } from '../clients/types.js'
import type { ChainUnavailableError } from '../errors/contract.js'
import { InvalidParameterError } from '../errors/parameters.js'
import { type ChargeChainEvent, decodeChargeChainLogs } from './decodeChargeChainLogs.js'

export type GetChargeChainEventsParameters = {
  /** The deployment's start block by default. */
  fromBlock?: bigint
  /** The latest block by default. */
  toBlock?: bigint
  /**
   * Blocks per `eth_getLogs` request. Public RPC providers cap the range (often 1,000–10,000 blocks); the whole
   * range is read in one request when omitted.
   */
  maxBlockRange?: bigint
}
export type GetChargeChainEventsReturnType = ChargeChainEvent[]
export type GetChargeChainEventsErrorType = ChainUnavailableError | InvalidParameterError

/** Every ChargeChain event in a block range, decoded and in chain order (the indexer's historical sync). */
export async function getChargeChainEvents(
  client: ChargeChainReadClient,
  {
    fromBlock = BigInt(client.deployment.startBlock),
    toBlock,
    maxBlockRange,
  }: GetChargeChainEventsParameters = {},
): Promise<GetChargeChainEventsReturnType> {
  if (maxBlockRange !== undefined && maxBlockRange < 1n)
    throw new InvalidParameterError('getChargeChainEvents', 'maxBlockRange', 'at least 1')
  const { pileRegistry, sessionEscrow, paymentChannels } = client.deployment.contracts
  const address = [pileRegistry, sessionEscrow, paymentChannels]
  try {
    const last = toBlock ?? (await getBlockNumber(client, { cacheTime: 0 }))
    const step = maxBlockRange ?? last - fromBlock + 1n
    const events: ChargeChainEvent[] = []
    for (let start = fromBlock; start <= last; start += step) {
      const end = start + step - 1n < last ? start + step - 1n : last
      const logs = await getLogs(client, { address, fromBlock: start, toBlock: end })
      events.push(...decodeChargeChainLogs(client.deployment, logs))
    }
    return events
  } catch (error) {
    throw toContractError(error, 'getLogs')
  }
}
