import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import type { Session } from './session.js'

export type RefundParameters = WriteOptions & { session: Session }
export type RefundReturnType = WriteResult
export type RefundErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Returns the whole deposit to the vehicle once the settle window after `requestRefund` has passed. */
export function refund(
  client: ChargeChainReadClient,
  { session, ...options }: RefundParameters,
): Promise<RefundReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'refund',
    args: [session],
  })
}
