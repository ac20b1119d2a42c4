import { sql } from 'drizzle-orm'
import type { Db } from './database.js'
import { InvalidParameterError } from './errors.js'

/** PostgreSQL caps a notification's payload below 8,000 bytes; stay well under it. */
export const maxNotifyPayloadBytes = 7_500

const channelName = /^[a-z_][a-z0-9_]{0,62}$/

/** Refuses a channel name that is not a plain lower-case PostgreSQL identifier (LISTEN takes it unquoted). */
export function checkChannel(channel: string): string {
  if (!channelName.test(channel)) {
    throw new InvalidParameterError('channel', 'lower-case letters, digits and _ (at most 63)', channel)
  }
  return channel
}

/**
 * Sends `payload` as JSON to every listener of `channel` on this database, in every process. Inside a transaction
 * it goes out when the transaction commits, and never if it rolls back: a listener only hears of committed rows.
 */
export async function notify(db: Db, channel: string, payload: unknown): Promise<void> {
  const text = JSON.stringify(payload)
  if (Buffer.byteLength(text) > maxNotifyPayloadBytes) {
    throw new InvalidParameterError(
      'payload',
      `at most ${maxNotifyPayloadBytes} bytes of JSON`,
      `${text.slice(0, 40)}…`,
    )
  }
  await db.execute(sql`select pg_notify(${checkChannel(channel)}, ${text})`)
}
