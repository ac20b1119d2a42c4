import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type ExpireDisputeParameters = WriteOptions & { sessionId: Hex }
export type ExpireDisputeReturnType = WriteResult
export type ExpireDisputeErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** After the dispute window, anyone may return the held claim to the vehicle. */
export function expireDispute(
  client: ChargeChainReadClient,
  { sessionId, ...options }: ExpireDisputeParameters,
): Promise<ExpireDisputeReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'expireDispute',
    args: [sessionId],
  })
}
