import type { ContractFunctionReturnType, Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type { ChainUnavailableError, ContractRevertedError } from '../../errors/contract.js'
import { read } from '../internal/read.js'

export type GetPileParameters = { pileId: Hex }
/** owner, generation, the current terms (what a session opened now must bind) and their hash. */
export type GetPileReturnType = ContractFunctionReturnType<typeof pileRegistryAbi, 'view', 'getPile'>
export type GetPileErrorType = ContractRevertedError | ChainUnavailableError

/** The pile's record; a `ContractRevertedError` with reason `UnknownPile` if it was never registered. */
export function getPile(
  client: ChargeChainReadClient,
  { pileId }: GetPileParameters,
): Promise<GetPileReturnType> {
  return read(client, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'getPile',
    args: [pileId],
  })
}
