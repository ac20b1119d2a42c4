import type { BlockNumber, BlockTag } from 'viem'
import { getLogs } from 'viem/actions'
import { toContractError } from '../actions/internal/toContractError.js'
import type { ChargeChainReadClient } from '../clients/types.js'
import type { ChainUnavailableError } from '../errors/contract.js'
import { type ChargeChainEvent, decodeChargeChainLogs } from './decodeChargeChainLogs.js'

export type GetChargeChainEventsParameters = {
  /** The deployment's start block by default. */
  fromBlock?: BlockNumber | BlockTag
  toBlock?: BlockNumber | BlockTag
}
export type GetChargeChainEventsReturnType = ChargeChainEvent[]
export type GetChargeChainEventsErrorType = ChainUnavailableError

/** Every ChargeChain event in a block range, decoded and in chain order (the indexer's historical sync). */
export async function getChargeChainEvents(
  client: ChargeChainReadClient,
  {
    fromBlock = BigInt(client.deployment.startBlock),
    toBlock = 'latest',
  }: GetChargeChainEventsParameters = {},
): Promise<GetChargeChainEventsReturnType> {
  const { pileRegistry, sessionEscrow, paymentChannels } = client.deployment.contracts
  try {
    const logs = await getLogs(client, {
      address: [pileRegistry, sessionEscrow, paymentChannels],
      fromBlock,
      toBlock,
    })
    return decodeChargeChainLogs(client.deployment, logs)
  } catch (error) {
    throw toContractError(error, 'getLogs')
  }
}
