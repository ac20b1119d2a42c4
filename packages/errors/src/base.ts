export interface BaseErrorOptions {
  /** Longer explanation: what was seen, what to do about it. */
  details?: string
  cause?: unknown
  /** True when the same call may succeed later (a timeout, a busy port); callers retry those and halt on the rest. */
  retryable?: boolean
}

/**
 * Every error ChargeChain throws. The message is one short sentence that names what was wrong and what to do;
 * `details` and `cause` carry the rest. Subclasses set a literal `name` so callers can switch on it.
 */
export abstract class BaseError extends Error {
  abstract override readonly name: string
  readonly shortMessage: string
  readonly details: string | undefined
  readonly retryable: boolean

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    })
    this.shortMessage = shortMessage
    this.details = options.details
    this.retryable = options.retryable ?? false
  }
}
