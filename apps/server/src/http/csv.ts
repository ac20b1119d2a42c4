/** A cell value as exports hold it: text, numbers, amounts, times, or nothing. */
export type CsvValue = string | number | bigint | boolean | Date | null | undefined

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break. Text that a spreadsheet would run as
 * a formula (starting with = + - @, tab or carriage return) is prefixed with a quote mark, as OWASP advises;
 * numbers are written as they are.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (typeof value !== 'string') return String(value)
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

/**
 * A CSV file as a stream: the header, then each row as the source yields it, in chunks of `batch` lines. Memory
 * holds one chunk and the source's page, whatever the row count; a client that goes away stops the source.
 */
export function csvStream<T>(
  header: readonly string[],
  rows: AsyncIterable<T>,
  toValues: (row: T) => readonly CsvValue[],
  onError: (error: unknown) => void,
  batch = 200,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const iterator = rows[Symbol.asyncIterator]()
  let headerSent = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let text = headerSent ? '' : csvLine(header)
      headerSent = true
      try {
        for (let i = 0; i < batch; i++) {
          const next = await iterator.next()
          if (next.done) {
            if (text) controller.enqueue(encoder.encode(text))
            controller.close()
            return
          }
          text += csvLine(toValues(next.value))
        }
      } catch (error) {
        onError(error)
        controller.error(error)
        return
      }
      controller.enqueue(encoder.encode(text))
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

/** A download name for Content-Disposition: only letters, digits, dot, dash and underscore survive. */
export function attachmentName(base: string): string {
  const safe = base
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 100)
  return `attachment; filename="${safe || 'export'}.csv"`
}
