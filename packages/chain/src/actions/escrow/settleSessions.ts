import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import { voucherSignature } from '../internal/voucherSignature.js'
import type { Session } from './session.js'

export type SettleSessionsParameters = WriteOptions & {
  settlements: readonly { session: Session; energyWh: bigint; amount: bigint; signature?: Hex }[]
}
export type SettleSessionsReturnType = WriteResult
export type SettleSessionsErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Settles many sessions in one transaction (an operator's end-of-day batch); all must be settleable by the caller. */
export function settleSessions(
  client: ChargeChainReadClient,
  { settlements, ...options }: SettleSessionsParameters,
): Promise<SettleSessionsReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'settleSessions',
    args: [
      settlements.map(({ session, energyWh, amount, signature }) => ({
        session,
        energyWh,
        amount,
        signature: voucherSignature(amount, signature),
      })),
    ],
  })
}
