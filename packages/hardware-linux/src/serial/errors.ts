import { BaseError, type BaseErrorOptions } from '@chargechain/errors'

/** A serial port could not be opened: missing (unplugged, rfcomm not bound), busy, or not permitted. */
export class SerialPortOpenError extends BaseError {
  override readonly name = 'SerialPortOpenError'
  readonly path: string

  constructor(path: string, options: BaseErrorOptions = {}) {
    super(
      `Cannot open serial port ${path}; check the device is plugged in, the path is right and the agent's user is in the dialout group.`,
      options,
    )
    this.path = path
  }
}

/** A serial port failed or disappeared while open. */
export class SerialPortLostError extends BaseError {
  override readonly name = 'SerialPortLostError'
  readonly path: string

  constructor(path: string, options: BaseErrorOptions = {}) {
    super(`Serial port ${path} went away; it is reopened once it is back.`, { retryable: true, ...options })
    this.path = path
  }
}
