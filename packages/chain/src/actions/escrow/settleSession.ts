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

export type SettleSessionParameters = WriteOptions & {
  session: Session
  /** Cumulative energy of the vehicle's latest voucher. */
  energyWh: bigint
  /** Cumulative amount of the vehicle's latest voucher; 0 refunds the whole deposit. */
  amount: bigint
  /** The vehicle's voucher signature, 65 or 64 bytes; omit for amount 0. */
  signature?: Hex
}
export type SettleSessionReturnType = WriteResult
export type SettleSessionErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** The pile (agent or payout) settles a session with the vehicle's latest voucher. */
export function settleSession(
  client: ChargeChainReadClient,
  { session, energyWh, amount, signature, ...options }: SettleSessionParameters,
): Promise<SettleSessionReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'settleSession',
    args: [session, energyWh, amount, voucherSignature(amount, signature)],
  })
}
