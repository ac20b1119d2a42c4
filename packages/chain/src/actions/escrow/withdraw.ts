import { type Address, zeroAddress } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { paymentChannelsAbi, sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { requireAccount, submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type WithdrawParameters = WriteOptions & {
  /** Which contract holds the balance; the escrow by default. */
  contract?: 'sessionEscrow' | 'paymentChannels'
  /** The native coin when omitted. */
  currency?: Address
  /** Recipient; the signing account by default. */
  to?: Address
}
export type WithdrawReturnType = WriteResult
export type WithdrawErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Sends the signer's whole withdrawable balance in one currency out of the escrow (or the channels contract). */
export function withdraw(
  client: ChargeChainReadClient,
  { contract = 'sessionEscrow', currency = zeroAddress, to, ...options }: WithdrawParameters,
): Promise<WithdrawReturnType> {
  const recipient = to ?? requireAccount(client, options, 'withdraw').address
  return submit(client, options, {
    address: client.deployment.contracts[contract],
    abi: contract === 'sessionEscrow' ? sessionEscrowAbi : paymentChannelsAbi,
    functionName: 'withdraw',
    args: [currency, recipient],
  })
}
