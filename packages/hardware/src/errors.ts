import { BaseError, type BaseErrorOptions } from '@chargechain/errors'

/** Why a meter read failed; all of them are transient on a healthy RS-485 / CAN bus. */
export type MeterReadFailure = 'timeout' | 'crc' | 'no-reply' | 'malformed'

const meterReadHints: Record<MeterReadFailure, string> = {
  timeout: 'the meter did not answer in time; check the bus wiring and baud rate, then retry',
  crc: 'the reply failed its checksum; check RS-485 termination and shielding, then retry',
  'no-reply': 'nothing answered at this address; check the slave id and power, then retry',
  malformed: 'the reply had an unexpected shape; check the meter model and register map, then retry',
}

/** A single meter read failed. Always retryable: the next read may well succeed. */
export class MeterReadError extends BaseError {
  override readonly name = 'MeterReadError'
  readonly reason: MeterReadFailure

  constructor(reason: MeterReadFailure, options: Omit<BaseErrorOptions, 'retryable'> = {}) {
    super(`Meter read failed (${reason}): ${meterReadHints[reason]}.`, { ...options, retryable: true })
    this.reason = reason
  }
}

/** A driver was used after `close()`. A programming error: open a new instance instead. */
export class HardwareClosedError extends BaseError {
  override readonly name = 'HardwareClosedError'

  constructor(what: string) {
    super(`${what} is closed; open a new instance instead of reusing a closed one.`)
  }
}

/** An option or argument given to a driver or simulation is out of range. */
export class InvalidHardwareOptionError extends BaseError {
  override readonly name = 'InvalidHardwareOptionError'

  constructor(option: string, expected: string, got: unknown) {
    super(
      `Invalid hardware option ${option}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}.`,
    )
  }
}

/** The test asked the simulated world for something the physical world cannot do (a car driving off plugged in). */
export class SimulationStateError extends BaseError {
  override readonly name = 'SimulationStateError'
}
