import { BaseError } from '@chargechain/errors'

/** Every error of the OCPP package. */
export abstract class OcppError extends BaseError {}

/** No server instance holds a connection of the charger: it is offline (or its pile has no charger). */
export class ChargerOfflineError extends OcppError {
  override readonly name = 'ChargerOfflineError'
  readonly chargerId: string

  constructor(chargerId: string) {
    super(`Charger ${chargerId} is not connected; try again when it is online.`, { retryable: true })
    this.chargerId = chargerId
  }
}

/** The charger answered a command with a refusal (Rejected, NotSupported…) or a CALLERROR. */
export class ChargerRejectedError extends OcppError {
  override readonly name = 'ChargerRejectedError'
  readonly chargerId: string
  readonly action: string
  /** The status it answered, or the CALLERROR's error code. */
  readonly status: string

  constructor(chargerId: string, action: string, status: string, details?: string) {
    super(`Charger ${chargerId} refused ${action} (${status}).`, details === undefined ? {} : { details })
    this.chargerId = chargerId
    this.action = action
    this.status = status
  }
}

/** The charger did not answer in time; it may have acted on the command all the same. */
export class CommandTimeoutError extends OcppError {
  override readonly name = 'CommandTimeoutError'
  readonly chargerId: string
  readonly action: string

  constructor(chargerId: string, action: string, timeoutMs: number) {
    super(
      `Charger ${chargerId} did not answer ${action} within ${timeoutMs} ms; check its state before sending it again.`,
      { retryable: true },
    )
    this.chargerId = chargerId
    this.action = action
  }
}

/** A command names an order or pile that does not exist, or a pile without OCPP credentials. */
export class CommandTargetError extends OcppError {
  override readonly name = 'CommandTargetError'

  constructor(subject: string, problem: string) {
    super(`Cannot send a command to ${subject}: ${problem}.`)
  }
}

/** The client was asked for something it cannot do now (closed, or a live answer while offline). */
export class OcppClientError extends OcppError {
  override readonly name = 'OcppClientError'
}

/** An option given to createOcppServer or createOcppClient is out of range. */
export class OcppOptionsError extends OcppError {
  override readonly name = 'OcppOptionsError'
}
