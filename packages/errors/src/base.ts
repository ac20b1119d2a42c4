export interface BaseErrorOptions {
  /** Longer explanation: what was seen, what to do about it. */
  details?: string
  cause?: unknown
  /** True when the same call may succeed later (a timeout, a busy port); callers retry those and halt on the rest. */
  retryable?: boolean
}

/**
 * Every error ChargeChain throws. The message is one short sentence that names what was wrong and what to do;
 * `details` and `cause` carry the rest. Subclasses set a literal `name` for logs; callers recognise errors by class
 * (`instanceof`, or `walk` when the error may be wrapped).
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

  /** This error and its causes, outermost first: the first one `match` accepts, or the innermost without `match`. */
  walk(): unknown
  walk<T>(match: (error: unknown) => error is T): T | undefined
  walk(match: (error: unknown) => boolean): unknown
  walk(match?: (error: unknown) => boolean): unknown {
    return match ? walk(this, match) : innermost(this)
  }
}

/** How deep a cause chain is followed: a cycle (an error that is its own cause) must not hang the walk. */
const MAX_DEPTH = 32

/** The first of `error` and its causes, outermost first, that `match` accepts; `undefined` if none does. */
export function walk<T>(error: unknown, match: (error: unknown) => error is T): T | undefined
export function walk(error: unknown, match: (error: unknown) => boolean): unknown
export function walk(error: unknown, match: (error: unknown) => boolean): unknown {
  let current = error
  for (let depth = 0; depth < MAX_DEPTH && current !== undefined; depth++) {
    if (match(current)) return current
    current = causeOf(current)
  }
  return undefined
}

function innermost(error: unknown): unknown {
  let current = error
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const cause = causeOf(current)
    if (cause === undefined) return current
    current = cause
  }
  return current
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined
}
