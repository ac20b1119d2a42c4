import type { Address, Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type SetAgentParameters = WriteOptions & { pileId: Hex; agent: Address }
export type SetAgentReturnType = WriteResult
export type SetAgentErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/**
 * Replaces the pile's hot agent key (owner only), e.g. after its Pi was lost, for sessions opened from now on; move
 * the open ones to the new key with `reassignSessions`.
 */
export function setAgent(
  client: ChargeChainReadClient,
  { pileId, agent, ...options }: SetAgentParameters,
): Promise<SetAgentReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'setAgent',
    args: [pileId, agent],
  })
}
