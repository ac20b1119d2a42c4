import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type DecideDisputeParameters = WriteOptions & {
  sessionId: Hex
  /** Part of the held claim awarded to the pile; the rest returns to the vehicle. */
  amountToPile: bigint
}
export type DecideDisputeReturnType = WriteResult
export type DecideDisputeErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** The arbiter splits a held claim, within the dispute window. */
export function decideDispute(
  client: ChargeChainReadClient,
  { sessionId, amountToPile, ...options }: DecideDisputeParameters,
): Promise<DecideDisputeReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'decideDispute',
    args: [sessionId, amountToPile],
  })
}
