/**
 * A row as JSON carries it: amounts (bigint) as decimal strings, times as ISO strings, the rest as it is. The type
 * follows the value, so a response schema that disagrees with the row it documents fails to compile.
 */
export type Jsonify<T> = T extends bigint
  ? string
  : T extends Date
    ? string
    : T extends readonly (infer U)[]
      ? Jsonify<U>[]
      : T extends object
        ? { [K in keyof T]: Jsonify<T[K]> }
        : T

export function toJson<T>(value: T): Jsonify<T> {
  return convert(value) as Jsonify<T>
}

function convert(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map(convert)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, entry] of Object.entries(value)) out[key] = convert(entry)
    return out
  }
  return value
}
