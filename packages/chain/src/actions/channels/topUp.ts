import { type Hex, zeroAddress } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { paymentChannelsAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { InvalidParameterError } from '../../errors/parameters.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import { approveIfNeeded } from '../token/approveIfNeeded.js'
import { getChannel } from './getChannel.js'

export type TopUpParameters = WriteOptions & { channelId: Hex; amount: bigint }
export type TopUpReturnType = WriteResult
export type TopUpErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** The vehicle adds to its channel's deposit (an ERC-20 top-up approves the exact amount first if needed). */
export async function topUp(
  client: ChargeChainReadClient,
  { channelId, amount, ...options }: TopUpParameters,
): Promise<TopUpReturnType> {
  if (amount <= 0n || amount >= 2n ** 96n)
    throw new InvalidParameterError('topUp', 'amount', 'more than 0 and below 2^96')
  const { currency } = await getChannel(client, { channelId })
  const channels = client.deployment.contracts.paymentChannels
  if (currency !== zeroAddress)
    await approveIfNeeded(client, { ...options, token: currency, spender: channels, amount })
  return submit(client, options, {
    address: channels,
    abi: paymentChannelsAbi,
    functionName: 'topUp',
    args: [channelId, amount],
    value: currency === zeroAddress ? amount : 0n,
  })
}
