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

export type SettleWithClaimParameters = WriteOptions & {
  session: Session
  energyWh: bigint
  amount: bigint
  signature?: Hex
  /** Total energy the pile says it delivered. */
  claimedEnergyWh: bigint
  /** Extra beyond the voucher held for the arbiter. */
  claimedAmount: bigint
}
export type SettleWithClaimReturnType = WriteResult
export type SettleWithClaimErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError

/** Settles the voucher and holds a further claim for the arbiter (e.g. the car stopped signing while charging). */
export function settleWithClaim(
  client: ChargeChainReadClient,
  {
    session,
    energyWh,
    amount,
    signature,
    claimedEnergyWh,
    claimedAmount,
    ...options
  }: SettleWithClaimParameters,
): Promise<SettleWithClaimReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'settleWithClaim',
    args: [session, energyWh, amount, voucherSignature(amount, signature), claimedEnergyWh, claimedAmount],
  })
}
