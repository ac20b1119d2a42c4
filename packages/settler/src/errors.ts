import { BaseError } from '@chargechain/errors'

/** The settler was given something it cannot work with. */
export class SettlerOptionError extends BaseError {
  override readonly name = 'SettlerOptionError'
}
