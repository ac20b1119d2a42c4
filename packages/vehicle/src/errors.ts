import { BaseError } from '@chargechain/errors'

/** The vehicle agent was given something unusable (a missing part, a client for another chain). Fix the wiring. */
export class VehicleAgentOptionError extends BaseError {
  override readonly name = 'VehicleAgentOptionError'
}

/** `run()` was called while the agent is already running; one run per agent and journal. */
export class VehicleAgentBusyError extends BaseError {
  override readonly name = 'VehicleAgentBusyError'
}
