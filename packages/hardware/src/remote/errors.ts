import { BaseError } from '@chargechain/errors'

/**
 * The hardware bridge to another process failed: the peer went away, spoke another protocol version, or was asked for
 * a part it does not serve. Retryable only when the connection dropped (a restarted peer may serve again).
 */
export class HardwareBridgeError extends BaseError {
  override readonly name = 'HardwareBridgeError'
}

/** A call on a remote part failed on the serving side with an error this side cannot rebuild as its own class. */
export class RemoteHardwareError extends BaseError {
  override readonly name = 'RemoteHardwareError'
  /** The `name` of the error thrown by the served part. */
  readonly remoteName: string

  constructor(remoteName: string, message: string) {
    super(`Remote hardware call failed with ${remoteName}: ${message}`)
    this.remoteName = remoteName
  }
}
