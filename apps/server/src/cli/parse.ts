import type { z } from '@hono/zod-openapi'
import { UsageError } from '../errors.js'

/** A command-line value checked by the API's own rule, so both refuse the same input in the same words. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.length ? ` (${issue.path.join('.')})` : ''
  throw new UsageError(`${what}${field} ${issue?.message ?? 'is not valid'}.`)
}
