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

export type SettleAndCloseParameters = WriteOptions & {
  channelId: Hex
  cumulativeAmount: bigint
  /** Omit when `cumulativeAmount` equals what is already settled. */
  signature?: Hex
}
export type SettleAndCloseReturnType = WriteResult
export type SettleAndCloseErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** The operator settles its final voucher and closes at once; the vehicle gets the rest back. */
export function settleAndClose(
  client: ChargeChainReadClient,
  { channelId, cumulativeAmount, signature, ...options }: SettleAndCloseParameters,
): Promise<SettleAndCloseReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.paymentChannels,
    abi: paymentChannelsAbi,
    functionName: 'settleAndClose',
    args: [channelId, cumulativeAmount, signature ? normalizeSignature(signature) : '0x'],
  })
}
