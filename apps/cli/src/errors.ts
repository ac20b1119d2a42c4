import { BaseError } from '@chargechain/errors'

/** The command line was wrong (exit code 2), as opposed to the operation failing (exit code 1). */
export class UsageError extends BaseError {
  override readonly name = 'UsageError'
}

export class InvalidAmountError extends BaseError {
  override readonly name = 'InvalidAmountError'
  constructor(option: string, value: string, decimals: number) {
    super(
      `${option} "${value}" is not an amount; write a plain decimal such as 1.5 with at most ${decimals} decimals.`,
    )
  }
}
