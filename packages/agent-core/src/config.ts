import { readFile } from 'node:fs/promises'
import type { z } from 'zod'
import { ConfigError, type ConfigIssue } from './errors.js'

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'bigint') return `${value}n`
  // Objects may hold bigints (token amounts) that JSON.stringify refuses.
  const text = JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'bigint' ? `${inner}n` : inner,
  )
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('')
}

/** What a simple issue expected (`string`, `4800 | 9600`), or `undefined` for anything more involved. */
function expectedOf(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type') return issue.expected
  if (issue.code === 'invalid_value') return issue.values.map((value) => describeValue(value)).join(' | ')
  return undefined
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const got = `got ${describeValue(issue.input)}`
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}; remove or check the spelling`
    case 'invalid_union': {
      // A union of literals or of simple types reads best as the list of what each branch accepts.
      const branches = issue.errors.map(([only, ...others]) =>
        only !== undefined && others.length === 0 && only.path.length === 0 ? expectedOf(only) : undefined,
      )
      if (branches.every((branch) => branch !== undefined))
        return `expected ${[...new Set(branches)].join(' | ')}, ${got}`
      return `${issue.message}, ${got}`
    }
    default: {
      const expected = expectedOf(issue)
      return expected ? `expected ${expected}, ${got}` : `${issue.message}, ${got}`
    }
  }
}

/** Turns zod's issues into one line per bad field, by path. */
export function toConfigIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), problem: describeIssue(issue) }))
}

/**
 * Validates an already-parsed config value. `source` names where it came from (a file, `embedded defaults`) in the
 * error message.
 */
export function parseConfig<Schema extends z.ZodType>(
  source: string,
  value: unknown,
  schema: Schema,
): z.output<Schema> {
  const result = schema.safeParse(value, { reportInput: true })
  if (result.success) return result.data
  const count = result.error.issues.length
  throw new ConfigError(
    source,
    `${count} invalid field${count > 1 ? 's' : ''}; fix ${count > 1 ? 'them' : 'it'}:`,
    [...toConfigIssues(result.error)],
  )
}

/**
 * Reads a JSON config file and validates it with the caller's zod schema. Every way it can go wrong — no file, bad
 * JSON, bad fields — is one `ConfigError` naming the file and, for bad fields, each one by path.
 */
export async function loadConfig<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
): Promise<z.output<Schema>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read'
    throw new ConfigError(path, `${reason}; check the path given to --config.`, [], error)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(path, `not valid JSON (${(error as Error).message}); fix the syntax.`, [], error)
  }
  return parseConfig(path, value, schema)
}
