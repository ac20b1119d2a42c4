import type {
  Abi,
  ContractFunctionArgs,
  ContractFunctionName,
  ContractFunctionReturnType,
  ReadContractParameters,
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
  call: { address: `0x${string}`; abi: abi; functionName: functionName; args: args },
): Promise<ContractFunctionReturnType<abi, ReadMutability, functionName, args>> {
  try {
    return (await readContract(
      client,
      call as unknown as ReadContractParameters,
    )) as ContractFunctionReturnType<abi, ReadMutability, functionName, args>
  } catch (error) {
    throw toContractError(error, call.functionName)
  }
}
