import { BaseError } from '@chargechain/errors'

/** A meter profile (built in or from a file) is not usable. */
export class MeterProfileError extends BaseError {
  override readonly name = 'MeterProfileError'

  constructor(profile: string, problem: string, options: { cause?: unknown } = {}) {
    super(
      `Meter profile ${profile} is invalid: ${problem}; fix the profile or pick ddsd1352, sdm120 or sdm630.`,
      {
        ...options,
        details: problem,
      },
    )
  }
}
