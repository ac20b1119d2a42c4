import { type Hash, type Hex, WaitForTransactionReceiptTimeoutError } from 'viem'
import { waitForTransactionReceipt } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import type { ChainUnavailableError, ContractRevertedError } from '../../errors/contract.js'
import {
  SessionConfirmationTimeoutError,
  SessionMismatchError,
  type SessionNotFoundError,
  type TermsNotFoundError,
} from '../../errors/session.js'
import { type Terms, termsDifference } from '../../terms/terms.js'
import { toContractError } from '../internal/toContractError.js'
import { getSession } from './getSession.js'
import type { Session } from './session.js'

export type WaitForSessionParameters = {
  sessionId: Hex
  /** The opening transaction the car reported. */
  transactionHash: Hash
  /** Blocks on top of the opening block before the session counts (reorg safety); 1 = mined. */
  confirmations?: number
  /** Give up after this long (ms). */
  timeout?: number
  /** What the pile offered; any difference is a `SessionMismatchError` naming the field. */
  expect?: {
    pileId?: Hex
    /** The exact terms offered: payout, agent, every tariff field and the credit. */
    terms?: Terms
    minDeposit?: bigint
  }
}
export type WaitForSessionReturnType = { sessionId: Hex; session: Session }
export type WaitForSessionErrorType =
  | SessionConfirmationTimeoutError
  | SessionMismatchError
  | SessionNotFoundError
  | TermsNotFoundError
  | ContractRevertedError
  | ChainUnavailableError

/**
 * What the pile runs before switching its relay on: waits until the car's opening transaction has the required
 * confirmations, rebuilds the session from the chain, and checks it is open and is the session the pile offered.
 */
export async function waitForSession(
  client: ChargeChainReadClient,
  { sessionId, transactionHash, confirmations = 1, timeout, expect = {} }: WaitForSessionParameters,
): Promise<WaitForSessionReturnType> {
  try {
    await waitForTransactionReceipt(client, { hash: transactionHash, confirmations, timeout })
  } catch (error) {
    if (error instanceof WaitForTransactionReceiptTimeoutError)
      throw new SessionConfirmationTimeoutError(transactionHash, confirmations, error)
    throw toContractError(error, 'waitForSession')
  }
  const { session, state } = await getSession(client, { sessionId, transactionHash })
  const mismatch = (field: string, expected: unknown, actual: unknown) =>
    new SessionMismatchError(sessionId, field, String(expected), String(actual))

  if (state.status !== 'open') throw mismatch('status', 'open', state.status)
  if (expect.pileId !== undefined && expect.pileId.toLowerCase() !== session.pileId.toLowerCase())
    throw mismatch('pileId', expect.pileId, session.pileId)
  const difference = expect.terms && termsDifference(expect.terms, session.terms)
  if (difference) throw mismatch(difference.field, difference.expected, difference.actual)
  if (expect.minDeposit !== undefined && session.deposit < expect.minDeposit)
    throw mismatch('deposit', `at least ${expect.minDeposit}`, session.deposit)
  return { sessionId, session }
}
