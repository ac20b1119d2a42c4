import type { Address, Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type TransferPileParameters = WriteOptions & {
  pileId: Hex
  newOwner: Address
  /** The new owner's payout address. */
  payout: Address
  /** The new owner's agent key. */
  agent: Address
}
export type TransferPileReturnType = WriteResult
export type TransferPileErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Hands the pile to a new owner (owner only); the old owner's free cars stop being free. */
export function transferPile(
  client: ChargeChainReadClient,
  { pileId, newOwner, payout, agent, ...options }: TransferPileParameters,
): Promise<TransferPileReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'transferPile',
    args: [pileId, newOwner, payout, agent],
  })
}
