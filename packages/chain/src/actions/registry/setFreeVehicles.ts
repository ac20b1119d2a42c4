import type { Address, Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type SetFreeVehiclesParameters = WriteOptions & {
  pileId: Hex
  /** The owner's cars that charge here for free from now on. */
  add?: readonly Address[]
  /** Cars that stop charging free (applied after `add`). */
  remove?: readonly Address[]
}
export type SetFreeVehiclesReturnType = WriteResult
export type SetFreeVehiclesErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError

/** Adds and removes free vehicles in one transaction (owner only). */
export function setFreeVehicles(
  client: ChargeChainReadClient,
  { pileId, add = [], remove = [], ...options }: SetFreeVehiclesParameters,
): Promise<SetFreeVehiclesReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'setFreeVehicles',
    args: [pileId, add, remove],
  })
}
