import type { z } from '@hono/zod-openapi'
import { UsageError } from '../errors.js'

/** A command-line value checked by the API's own rule, so both refuse the same input in the same words. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw new UsageError(`${what} ${result.error.issues[0]?.message ?? 'is not valid'}.`)
  return result.data
}
