import type {
  Abi,
  ContractFunctionArgs,
  ContractFunctionName,
  ReadContractParameters,
  ReadContractReturnType,
} from 'viem'
import { readContract } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { toContractError } from './toContractError.js'

type ReadMutability = 'view' | 'pure'

/** `readContract` with reverts decoded to our typed errors. */
export async function read<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, ReadMutability>,
  const args extends ContractFunctionArgs<abi, ReadMutability, functionName>,
>(
  client: ChargeChainReadClient,
  call: ReadContractParameters<abi, functionName, args>,
): Promise<ReadContractReturnType<abi, functionName, args>> {
  try {
    return await readContract(client, call)
  } catch (error) {
    throw toContractError(error, call.functionName)
  }
}
