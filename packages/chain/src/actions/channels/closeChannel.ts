import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { paymentChannelsAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type CloseChannelParameters = WriteOptions & { channelId: Hex }
export type CloseChannelReturnType = WriteResult
export type CloseChannelErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** After the challenge period the vehicle closes the channel and gets back what was not settled. */
export function closeChannel(
  client: ChargeChainReadClient,
  { channelId, ...options }: CloseChannelParameters,
): Promise<CloseChannelReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.paymentChannels,
    abi: paymentChannelsAbi,
    functionName: 'closeChannel',
    args: [channelId],
  })
}
