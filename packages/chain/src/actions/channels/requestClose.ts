import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { paymentChannelsAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type RequestCloseParameters = WriteOptions & { channelId: Hex }
export type RequestCloseReturnType = WriteResult
export type RequestCloseErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** The vehicle starts the challenge period; the operator may still settle its latest voucher in it. */
export function requestClose(
  client: ChargeChainReadClient,
  { channelId, ...options }: RequestCloseParameters,
): Promise<RequestCloseReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.paymentChannels,
    abi: paymentChannelsAbi,
    functionName: 'requestClose',
    args: [channelId],
  })
}
