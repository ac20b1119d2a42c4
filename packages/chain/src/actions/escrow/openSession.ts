import { randomBytes } from 'node:crypto'
import { bytesToHex, type Hex, isAddressEqual, pad, parseEventLogs, zeroAddress } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { sessionEscrowAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { InvalidParameterError } from '../../errors/parameters.js'
import { MissingEventError, SessionMismatchError } from '../../errors/session.js'
import { hashTerms, type Terms } from '../../terms/terms.js'
import { requireAccount, submit, type WriteOptions, type WriteResult } from '../internal/submit.js'
import { approveIfNeeded } from '../token/approveIfNeeded.js'
import { signPermit } from '../token/signPermit.js'
import { hashSession, type Session } from './session.js'

export type OpenSessionParameters = WriteOptions & {
  pileId: Hex
  /**
   * The terms the car accepted: bound into the session, and the opening reverts with `TermsChanged` unless they are
   * the pile's terms on chain when it is mined (so the owner cannot change them under the car's feet).
   */
  terms: Terms
  /** In the terms' currency's smallest unit. */
  deposit: bigint
  /**
   * Makes the session unique; random by default. An agent journals it before sending, to find the session after a
   * crash. The default has 8 random bytes: enough to never repeat for one car, and zero bytes cost less calldata.
   */
  salt?: Hex
  /**
   * How an ERC-20 deposit is paid: `permit` (default: one transaction, EIP-2612, signed for the terms' currency
   * only), `approve` (an approve transaction first if the allowance is short), or `balance` (from the vehicle's
   * withdrawable escrow balance, any currency). A native deposit is sent as the transaction's value unless `balance`.
   */
  payment?: 'permit' | 'approve' | 'balance'
}
export type OpenSessionReturnType = WriteResult & { sessionId: Hex; session: Session }
export type OpenSessionErrorType =
  | ContractRevertedError
  | TransactionRevertedError
  | ChainUnavailableError
  | InvalidParameterError
  | MissingEventError
  | SessionMismatchError

/** The vehicle opens an escrow session at a pile, binding the terms it accepted. */
export async function openSession(
  client: ChargeChainReadClient,
  {
    pileId,
    terms,
    deposit,
    salt = pad(bytesToHex(randomBytes(8)), { size: 32 }),
    payment,
    ...options
  }: OpenSessionParameters,
): Promise<OpenSessionReturnType> {
  if (deposit <= 0n || deposit >= 2n ** 128n)
    throw new InvalidParameterError('openSession', 'deposit', 'more than 0 and below 2^128')
  const escrow = client.deployment.contracts.sessionEscrow
  const vehicle = requireAccount(client, options, 'openSession').address
  const { currency } = terms.tariff
  const mode = payment ?? (currency === zeroAddress ? 'value' : 'permit')

  let result: WriteResult
  if (mode === 'balance') {
    result = await submit(client, options, {
      address: escrow,
      abi: sessionEscrowAbi,
      functionName: 'openSessionFromBalance',
      args: [pileId, terms, salt, deposit],
    })
  } else if (currency === zeroAddress || mode === 'approve') {
    if (currency !== zeroAddress)
      await approveIfNeeded(client, { ...options, token: currency, spender: escrow, amount: deposit })
    result = await submit(client, options, {
      address: escrow,
      abi: sessionEscrowAbi,
      functionName: 'openSession',
      args: [pileId, terms, salt, deposit],
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
      args: [pileId, terms, salt, deposit, deadline, v, r, s],
    })
  }
  const [opened] = parseEventLogs({
    abi: sessionEscrowAbi,
    eventName: 'SessionOpened',
    logs: result.receipt.logs.filter((log) => isAddressEqual(log.address, escrow)),
  })
  if (!opened) throw new MissingEventError('SessionOpened', result.hash)
  const { sessionId, termsHash, openedAt } = opened.args
  const session: Session = { vehicle, pileId, terms, deposit, openedAt, salt }
  if (termsHash !== hashTerms(terms))
    throw new SessionMismatchError(sessionId, 'terms', hashTerms(terms), termsHash)
  if (sessionId !== hashSession(session))
    throw new SessionMismatchError(sessionId, 'sessionId', hashSession(session), sessionId)
  return { ...result, sessionId, session }
}
