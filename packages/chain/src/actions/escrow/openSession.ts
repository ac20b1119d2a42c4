import { randomBytes } from 'node:crypto'
import { bytesToHex, type Hex, isAddressEqual, parseEventLogs, zeroAddress } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi, sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { InvalidParameterError } from '../../errors/parameters.js'
import { MissingEventError } from '../../errors/session.js'
import { read } from '../internal/read.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import { approveIfNeeded } from '../token/approveIfNeeded.js'
import { signPermit } from '../token/signPermit.js'
import { type Session, sessionFromEvent } from './session.js'

export type OpenSessionParameters = WriteOptions & {
  pileId: Hex
  /** In the pile's currency's smallest unit. */
  deposit: bigint
  /** Makes the session unique; random by default. An agent journals it before sending, to find the session after a crash. */
  salt?: Hex
  /**
   * How an ERC-20 deposit is paid: `permit` (default: one transaction, EIP-2612), `approve` (an approve transaction
   * first if the allowance is short), or `balance` (from the vehicle's withdrawable escrow balance, any currency).
   * A native deposit is sent as the transaction's value unless `balance`.
   */
  payment?: 'permit' | 'approve' | 'balance'
}
export type OpenSessionReturnType = WriteResult & { sessionId: Hex; session: Session }
export type OpenSessionErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError
  | InvalidParameterError

/** The vehicle opens an escrow session at a pile, fixing the pile's current tariff, payout and agent into it. */
export async function openSession(
  client: ChargeChainReadClient,
  { pileId, deposit, salt = bytesToHex(randomBytes(32)), payment, ...options }: OpenSessionParameters,
): Promise<OpenSessionReturnType> {
  if (deposit <= 0n || deposit >= 2n ** 128n)
    throw new InvalidParameterError('openSession', 'deposit', 'more than 0 and below 2^128')
  const escrow = client.deployment.contracts.sessionEscrow
  const [, , , currency] = await read(client, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'sessionTerms',
    args: [pileId],
  })
  const mode = payment ?? (currency === zeroAddress ? 'value' : 'permit')

  let result: WriteResult
  if (mode === 'balance') {
    result = await submit(client, options, {
      address: escrow,
      abi: sessionEscrowAbi,
      functionName: 'openSessionFromBalance',
      args: [pileId, salt, deposit],
    })
  } else if (currency === zeroAddress || mode === 'approve') {
    if (currency !== zeroAddress)
      await approveIfNeeded(client, { ...options, token: currency, spender: escrow, amount: deposit })
    result = await submit(client, options, {
      address: escrow,
      abi: sessionEscrowAbi,
      functionName: 'openSession',
      args: [pileId, salt, deposit],
      value: currency === zeroAddress ? deposit : 0n,
    })
  } else {
    const { deadline, v, r, s } = await signPermit(client, {
      account: options.account,
      token: currency,
      spender: escrow,
      value: deposit,
    })
    result = await submit(client, options, {
      address: escrow,
      abi: sessionEscrowAbi,
      functionName: 'openSessionWithPermit',
      args: [pileId, salt, deposit, deadline, v, r, s],
    })
  }
  const [opened] = parseEventLogs({
    abi: sessionEscrowAbi,
    eventName: 'SessionOpened',
    logs: result.receipt.logs.filter((log) => isAddressEqual(log.address, escrow)),
  })
  if (!opened) throw new MissingEventError('SessionOpened', result.hash)
  return { ...result, ...sessionFromEvent(opened.args) }
}
