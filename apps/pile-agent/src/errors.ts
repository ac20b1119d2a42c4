import { BaseError } from '@chargechain/errors'

/** The config's `management` section names a password or CA file that cannot be read, or an unset variable. */
export class ManagementConfigError extends BaseError {
  override readonly name = 'ManagementConfigError'
}
