import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { paymentChannelsAbi } from '../../contracts/abis.js'
import { normalizeSignature } from '../../eip712/signature.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type SettleChannelParameters = WriteOptions & {
  channelId: Hex
  /** The vehicle's latest cumulative voucher amount. */
  cumulativeAmount: bigint
  /** Its signature, 65 or 64 bytes. */
  signature: Hex
}
export type SettleChannelReturnType = WriteResult
export type SettleChannelErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** The operator collects what the latest voucher adds to what was already settled. */
export function settleChannel(
  client: ChargeChainReadClient,
  { channelId, cumulativeAmount, signature, ...options }: SettleChannelParameters,
): Promise<SettleChannelReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.paymentChannels,
    abi: paymentChannelsAbi,
    functionName: 'settleChannel',
    args: [channelId, cumulativeAmount, normalizeSignature(signature)],
  })
}
