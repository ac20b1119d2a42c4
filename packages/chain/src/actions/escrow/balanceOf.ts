import { type Address, zeroAddress } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { paymentChannelsAbi, sessionEscrowAbi } from '../../contracts/abis.js'
import type { ChainUnavailableError, ContractRevertedError } from '../../errors/contract.js'
import { read } from '../internal/read.js'

export type BalanceOfParameters = {
  account: Address
  /** The native coin when omitted. */
  currency?: Address
  /** Which contract holds the balance; the escrow by default. */
  contract?: 'sessionEscrow' | 'paymentChannels'
}
export type BalanceOfReturnType = bigint
export type BalanceOfErrorType = ContractRevertedError | ChainUnavailableError

/** What `account` can withdraw (settled earnings, refunds) in one currency. */
export function balanceOf(
  client: ChargeChainReadClient,
  { account, currency = zeroAddress, contract = 'sessionEscrow' }: BalanceOfParameters,
): Promise<BalanceOfReturnType> {
  return contract === 'sessionEscrow'
    ? read(client, {
        address: client.deployment.contracts.sessionEscrow,
        abi: sessionEscrowAbi,
        functionName: 'balanceOf',
        args: [account, currency],
      })
    : read(client, {
        address: client.deployment.contracts.paymentChannels,
        abi: paymentChannelsAbi,
        functionName: 'balanceOf',
        args: [account, currency],
      })
}
