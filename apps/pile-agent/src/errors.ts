import { BaseError } from '@chargechain/errors'

/** The config's `management` section names a password or CA file that cannot be read, or an unset variable. */
export class ManagementConfigError extends BaseError {
  override readonly name = 'ManagementConfigError'
}

/**
 * The management server asked for a hard reset, and the session in progress has ended: the agent exits 1 so that
 * its supervisor starts it afresh (systemd's Restart=on-failure in deploy/systemd).
 */
export class HardResetError extends BaseError {
  override readonly name = 'HardResetError'
}
