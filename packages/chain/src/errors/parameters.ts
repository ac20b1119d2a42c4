import { BaseError } from '@chargechain/errors'

/** A value passed to a ChargeChain function is out of range or the wrong shape; caught before any signing or tx. */
export class InvalidParameterError extends BaseError {
  override readonly name = 'InvalidParameterError'
  constructor(where: string, field: string, expected: string) {
    super(`${where}: ${field} must be ${expected}.`)
  }
}
