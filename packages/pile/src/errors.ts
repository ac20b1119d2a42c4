import { BaseError } from '@chargechain/errors'

/** The pile agent was given something unusable (a missing part, a bad option). Fix the wiring; not retryable. */
export class PileAgentOptionError extends BaseError {
  override readonly name = 'PileAgentOptionError'
}

/** `run()` was called while the agent is already running; one run per agent and journal. */
export class PileAgentBusyError extends BaseError {
  override readonly name = 'PileAgentBusyError'
}

/** The meter failed more times in a row than the config allows; the relay is off and the session stops. */
export class MeterUnavailableError extends BaseError {
  override readonly name = 'MeterUnavailableError'
}

/** A channel ledger file cannot be read or written, or holds a record that fails its check. */
export class ChannelLedgerError extends BaseError {
  override readonly name = 'ChannelLedgerError'
}

/**
 * The operator's ledger cannot be asked now (the management server is unreachable). The pile then refuses channel
 * payment for this visit, as it does without a ledger: a car that pays by escrow still charges.
 */
export class ChannelLedgerUnavailableError extends BaseError {
  override readonly name = 'ChannelLedgerUnavailableError'
}

/** A voucher would lower a channel's cumulative amount below what the ledger already holds. */
export class StaleChannelVoucherError extends BaseError {
  override readonly name = 'StaleChannelVoucherError'

  constructor(channelId: string, cumulative: bigint, recorded: bigint) {
    super(
      `Channel ${channelId}: voucher for ${cumulative} is below the ${recorded} already recorded; keep the newer one.`,
    )
  }
}
