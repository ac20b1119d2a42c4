import type { Address, Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type SetPayoutParameters = WriteOptions & { pileId: Hex; payout: Address }
export type SetPayoutReturnType = WriteResult
export type SetPayoutErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Changes where the pile's earnings go (owner only), for sessions opened from now on. */
export function setPayout(
  client: ChargeChainReadClient,
  { pileId, payout, ...options }: SetPayoutParameters,
): Promise<SetPayoutReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'setPayout',
    args: [pileId, payout],
  })
}
