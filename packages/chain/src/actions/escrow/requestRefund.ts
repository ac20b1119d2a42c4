import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import type { Session } from './session.js'

export type RequestRefundParameters = WriteOptions & { session: Session }
export type RequestRefundReturnType = WriteResult
export type RequestRefundErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** The vehicle asks for its deposit back; the pile keeps the settle window to settle its latest voucher. */
export function requestRefund(
  client: ChargeChainReadClient,
  { session, ...options }: RequestRefundParameters,
): Promise<RequestRefundReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'requestRefund',
    args: [session],
  })
}
