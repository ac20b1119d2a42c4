import { BaseError } from '@chargechain/errors'

export class SessionNotFoundError extends BaseError {
  override readonly name = 'SessionNotFoundError'
  constructor(sessionId: string, where: string) {
    super(
      `No SessionOpened event for session ${sessionId} ${where}; check the session id and the deployment.`,
    )
  }
}

/** The session on chain is not the one offered: wrong pile or terms, too small a deposit, not open… */
export class SessionMismatchError extends BaseError {
  override readonly name = 'SessionMismatchError'
  readonly field: string
  constructor(sessionId: string, field: string, expected: string, actual: string) {
    super(
      `Session ${sessionId} does not match: ${field} is ${actual}, expected ${expected}; do not start charging.`,
    )
    this.field = field
  }
}

export class MissingEventError extends BaseError {
  override readonly name = 'MissingEventError'
  constructor(eventName: string, hash: string) {
    super(
      `Transaction ${hash} succeeded but emitted no ${eventName}; check the deployment's contract addresses.`,
    )
  }
}

/** The opening transaction did not reach the required confirmations in time; it may still, so ask again later. */
export class SessionConfirmationTimeoutError extends BaseError {
  override readonly name = 'SessionConfirmationTimeoutError'
  constructor(transactionHash: string, confirmations: number, cause: unknown) {
    super(
      `Transaction ${transactionHash} did not reach ${confirmations} confirmation(s) in time; keep the relay off and check again.`,
      { cause, retryable: true },
    )
  }
}

/** No terms with this hash were ever set for the pile: the deployment's start block is too late, or the node prunes logs. */
export class TermsNotFoundError extends BaseError {
  override readonly name = 'TermsNotFoundError'
  constructor(pileId: string, termsHash: string) {
    super(
      `No PileTermsChanged event of pile ${pileId} has terms hash ${termsHash}; check the deployment's start block and that the node keeps logs.`,
    )
  }
}
