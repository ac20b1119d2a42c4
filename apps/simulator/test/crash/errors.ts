import { BaseError } from '@chargechain/errors'

/** A kill's moment (a state, a journal write, a message, a transaction) did not come before the visit ended. */
export class MomentMissedError extends BaseError {
  override readonly name = 'MomentMissedError'
}

/** An agent process ended without being killed: a crash of its own, which nothing in the lane would restart. */
export class AgentDiedError extends BaseError {
  override readonly name = 'AgentDiedError'
}

/** The visit was not over by the case's deadline; the details say where each agent stood. */
export class VisitUnfinishedError extends BaseError {
  override readonly name = 'VisitUnfinishedError'
}

/** The crash world cannot run a case as asked (no lane for a flow, a car without its channel, not started). */
export class CrashWorldError extends BaseError {
  override readonly name = 'CrashWorldError'
}
