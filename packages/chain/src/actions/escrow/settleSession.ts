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
import { voucherSignature } from '../internal/voucherSignature.js'
import type { Session } from './session.js'

/** The vehicle's latest voucher for a session: cumulative energy, time and amount, and its signature. */
export type SettleVoucher = {
  energyWh: bigint
  /** Seconds charged so far (billed per minute, pro rata); 0 when omitted. */
  chargingSeconds?: number
  /** Seconds idled once the car was full (overstay); 0 when omitted. */
  idleSeconds?: number
  /** 0 refunds the whole deposit. */
  amount: bigint
  /** The vehicle's voucher signature, 65 or 64 bytes; omit for amount 0. */
  signature?: Hex
}

export type SettleSessionParameters = WriteOptions & SettleVoucher & { session: Session }
export type SettleSessionReturnType = WriteResult
export type SettleSessionErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError
  | InvalidSignatureError

/** The pile (agent or payout, or the agent the session was reassigned to) settles with the vehicle's latest voucher. */
export function settleSession(
  client: ChargeChainReadClient,
  {
    session,
    energyWh,
    chargingSeconds = 0,
    idleSeconds = 0,
    amount,
    signature,
    ...options
  }: SettleSessionParameters,
): Promise<SettleSessionReturnType> {
  const { r, vs } = voucherSignature(amount, signature)
  return submit(client, options, {
    address: client.deployment.contracts.sessionEscrow,
    abi: sessionEscrowAbi,
    functionName: 'settleSession',
    args: [session, energyWh, chargingSeconds, idleSeconds, amount, r, vs],
  })
}
