import { InvalidCursorError } from '../errors.js'

/**
 * A keyset page cursor: the sort it belongs to and the last row's sort value and id. Opaque to clients (base64url
 * JSON); decoding checks it belongs to the list asking, so an edited or foreign cursor is a clear error.
 */
export interface Cursor {
  sort: string
  direction: 'asc' | 'desc'
  value: number
  id: number
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.direction, cursor.value, cursor.id])).toString(
    'base64url',
  )
}

export function decodeCursor(text: string, sort: string, direction: 'asc' | 'desc'): Cursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError(text)
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    parsed[0] !== sort ||
    parsed[1] !== direction ||
    !Number.isSafeInteger(parsed[2]) ||
    !Number.isSafeInteger(parsed[3])
  )
    throw new InvalidCursorError(text)
  const cursor = { sort, direction, value: parsed[2], id: parsed[3] }
  // base64url decoding skips stray characters: only the exact text this module wrote is accepted.
  if (encodeCursor(cursor) !== text) throw new InvalidCursorError(text)
  return cursor
}
