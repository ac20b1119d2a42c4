import { type Database, liveChannel, type Unlisten } from '@chargechain/db'
import type { ServerLogger } from '../logger.js'

/** One connected live client: told each event (its JSON as received), and of gaps. */
export interface LiveSubscriber {
  event(type: string, json: string): void
  gap(): void
  /** The server is closing: end the stream. */
  close(): void
}

export interface LiveHub {
  subscribe(subscriber: LiveSubscriber): () => void
  /** How many clients listen (for logs and tests). */
  readonly size: number
  close(): Promise<void>
}

/**
 * One `database.listen(liveChannel)` for the whole server, fanned out to every SSE client: a thousand open
 * dashboards cost one PostgreSQL connection, not a thousand. A gap (the listener reconnected) goes to every client.
 */
export async function createLiveHub(database: Database, logger: ServerLogger): Promise<LiveHub> {
  const subscribers = new Set<LiveSubscriber>()
  const unlisten: Unlisten = await database.listen(liveChannel, {
    onMessage(payload) {
      const type = eventType(payload)
      if (type === undefined) {
        logger.warn(
          { payload: payload.slice(0, 200) },
          'live: a notification that is not a LiveEvent; dropped',
        )
        return
      }
      for (const subscriber of subscribers) subscriber.event(type, payload)
    },
    onGap() {
      for (const subscriber of subscribers) subscriber.gap()
    },
  })
  let closing: Promise<void> | undefined
  return {
    subscribe(subscriber) {
      subscribers.add(subscriber)
      return () => subscribers.delete(subscriber)
    },
    get size() {
      return subscribers.size
    },
    close() {
      for (const subscriber of subscribers) subscriber.close()
      subscribers.clear()
      closing ??= unlisten()
      return closing
    },
  }
}

/**
 * The event's type, from JSON that publishLive wrote (any variant, so one added to LiveEvent later passes too);
 * undefined for anything else. The type becomes the SSE `event:` line, so it must be a plain word.
 */
function eventType(payload: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload)
    if (typeof parsed !== 'object' || parsed === null || !('type' in parsed)) return undefined
    const { type } = parsed
    return typeof type === 'string' && /^[a-z][A-Za-z]{0,31}$/.test(type) ? type : undefined
  } catch {
    return undefined
  }
}
