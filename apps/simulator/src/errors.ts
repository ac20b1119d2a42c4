import { BaseError } from '@chargechain/errors'

/** A command-line option is out of range; the message names the option and what it accepts. */
export class SimulatorOptionError extends BaseError {
  override readonly name = 'SimulatorOptionError'

  constructor(option: string, expected: string, got: unknown) {
    super(`Option ${option}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}.`)
  }
}

/** Setting up the demo fleet on the dev chain failed (a registration or channel transaction). */
export class FleetSetupError extends BaseError {
  override readonly name = 'FleetSetupError'
}
