import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import type { InvalidSignatureError } from '../../errors/eip712.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import { compactParts } from '../internal/voucherSignature.js'
import type { Session } from './session.js'
import type { SettleVoucher } from './settleSession.js'

export type SettleWithClaimParameters = WriteOptions &
  SettleVoucher & {
    session: Session
    /** The car's signature on its last voucher: a claim stands on it, whatever the amount. */
    signature: Hex
    /** Total energy the pile says it delivered: above the voucher's, by at most the session's `creditWh`. */
    claimedEnergyWh: bigint
    /** Held for the arbiter beyond the voucher: at most that extra energy at the tariff's energy price. */
    claimedAmount: bigint
  }
export type SettleWithClaimReturnType = WriteResult
export type SettleWithClaimErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError
  | InvalidSignatureError

/** Settles the voucher and holds a further claim for the arbiter (e.g. the car stopped signing while charging). */
export function settleWithClaim(
  client: ChargeChainReadClient,
  {
    session,
    energyWh,
    chargingSeconds = 0,
    idleSeconds = 0,
    amount,
    signature,
    claimedEnergyWh,
    claimedAmount,
    ...options
  }: SettleWithClaimParameters,
): Promise<SettleWithClaimReturnType> {
  const { r, vs } = compactParts(signature)
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'settleWithClaim',
    args: [session, energyWh, chargingSeconds, idleSeconds, amount, r, vs, claimedEnergyWh, claimedAmount],
  })
}
