import { BaseError } from './base.js'

/** A value the code relies on was not there: a bug in ChargeChain or a broken test setup, never bad user input. */
export class MissingValueError extends BaseError {
  override readonly name = 'MissingValueError'

  constructor(what: string) {
    super(
      `${what} is missing, though the code relies on it; this is a bug, report it with the steps that led here.`,
    )
  }
}

/**
 * `value` when it is present; otherwise a MissingValueError naming `what`. For values the types cannot prove present
 * (an array index, a Map entry set up earlier) where absence can only be a bug: bad input gets its own error instead.
 */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new MissingValueError(what)
  return value
}
