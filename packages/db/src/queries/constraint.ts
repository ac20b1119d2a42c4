import { walk } from '@chargechain/errors'
import { ConflictError } from '../errors.js'

const UNIQUE_VIOLATION = '23505'
/** A missing referenced row, or rows referring to this one (`restrict_violation` for ON DELETE RESTRICT). */
const REFERENCE_VIOLATIONS = new Set(['23503', '23001'])

/**
 * The SQLSTATE of a failed query, from the driver's error under drizzle's wrapper (pg and PGlite both set `code`).
 */
export function sqlState(error: unknown): string | undefined {
  const found = walk(
    error,
    (cause): cause is { code: string } =>
      typeof cause === 'object' &&
      cause !== null &&
      'code' in cause &&
      typeof cause.code === 'string' &&
      /^[0-9A-Z]{5}$/.test(cause.code),
  )
  return found?.code
}

/**
 * A `.catch` handler: a unique violation (the value is taken) or a foreign-key violation (rows refer to it, or it
 * refers to a row that is not there) becomes a ConflictError naming `subject`; anything else is rethrown.
 */
export function conflict(
  subject: string,
  referenced = 'it refers to a row that is not there, or rows refer to it',
) {
  return (error: unknown): never => {
    const state = sqlState(error)
    if (state === UNIQUE_VIOLATION) throw new ConflictError(subject, 'that value is taken', error)
    if (state !== undefined && REFERENCE_VIOLATIONS.has(state))
      throw new ConflictError(subject, referenced, error)
    throw error
  }
}

/** Whether `error` is a foreign-key failure: the row referred to is missing, or rows still refer to this one. */
export function isReferenceViolation(error: unknown): boolean {
  const state = sqlState(error)
  return state !== undefined && REFERENCE_VIOLATIONS.has(state)
}
