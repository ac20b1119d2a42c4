// Journal data carries token amounts (wei, as bigint); plain JSON cannot, so bigints travel as `{ "$bigint": "…" }`.

const BIGINT_KEY = '$bigint'

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? { [BIGINT_KEY]: item.toString() } : item,
  )
}

export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const keys = Object.keys(item)
      const digits = (item as Record<string, unknown>)[BIGINT_KEY]
      if (keys.length === 1 && typeof digits === 'string') return BigInt(digits)
    }
    return item
  })
}
