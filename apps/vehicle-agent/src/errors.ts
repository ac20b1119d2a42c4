import { BaseError } from '@chargechain/errors'

/** The config names hardware drivers this build cannot run. */
export class HardwareDriverUnavailableError extends BaseError {
  override readonly name = 'HardwareDriverUnavailableError'
}
