import type { Address, Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type { ChainUnavailableError, ContractRevertedError } from '../../errors/contract.js'
import { read } from '../internal/read.js'

export type IsFreeVehicleParameters = { pileId: Hex; vehicle: Address }
export type IsFreeVehicleReturnType = boolean
export type IsFreeVehicleErrorType = ContractRevertedError | ChainUnavailableError

/** True for the pile's owner and the cars its current owner listed as free. */
export function isFreeVehicle(
  client: ChargeChainReadClient,
  { pileId, vehicle }: IsFreeVehicleParameters,
): Promise<IsFreeVehicleReturnType> {
  return read(client, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'isFreeVehicle',
    args: [pileId, vehicle],
  })
}
