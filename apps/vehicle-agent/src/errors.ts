import { BaseError } from '@chargechain/errors'

/** The config names hardware drivers this build cannot run. */
export class HardwareDriverUnavailableError extends BaseError {
  override readonly name = 'HardwareDriverUnavailableError'
}

/** The key named by the config cannot be loaded as configured (a password variable unset). */
export class KeyLoadError extends BaseError {
  override readonly name = 'KeyLoadError'
}
