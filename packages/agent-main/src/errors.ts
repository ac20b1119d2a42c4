import { BaseError } from '@chargechain/errors'

/** The config names hardware (or link) drivers this build cannot run. */
export class HardwareDriverUnavailableError extends BaseError {
  override readonly name = 'HardwareDriverUnavailableError'
}
