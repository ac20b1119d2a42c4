import { BaseError, type BaseErrorOptions } from '@chargechain/errors'

/** The slcan adapter refused a command (answered BEL) or did not answer it. */
export class SlcanError extends BaseError {
  override readonly name = 'SlcanError'
}

/** SocketCAN cannot be used here: the socketcan module is missing, or the kernel has no CAN or no such interface. */
export class SocketCanUnavailableError extends BaseError {
  override readonly name = 'SocketCanUnavailableError'
  readonly interfaceName: string

  constructor(interfaceName: string, problem: string, options: BaseErrorOptions = {}) {
    super(
      `SocketCAN interface ${interfaceName} is not available (${problem}); bring it up (ip link set ${interfaceName} up type can bitrate 500000) on a kernel with CAN, or use an slcan adapter on a serial port.`,
      options,
    )
    this.interfaceName = interfaceName
  }
}

/** An ISO-TP transfer failed: no answer in time, or frames out of order. Retryable: the next request may work. */
export class IsoTpError extends BaseError {
  override readonly name = 'IsoTpError'
  readonly reason: 'timeout' | 'sequence' | 'malformed'

  constructor(reason: 'timeout' | 'sequence' | 'malformed', message: string, options: BaseErrorOptions = {}) {
    super(message, { retryable: true, ...options })
    this.reason = reason
  }
}

/** The car's ECU answered an OBD request with a negative response: it does not provide that PID. */
export class ObdNegativeResponseError extends BaseError {
  override readonly name = 'ObdNegativeResponseError'
  readonly code: number

  constructor(service: number, pid: number, code: number) {
    super(
      `The car refused OBD service 0x${service.toString(16)} PID 0x${pid.toString(16)} (code 0x${code.toString(16)}); it does not provide it: fix the PID map for this car.`,
    )
    this.code = code
  }
}
