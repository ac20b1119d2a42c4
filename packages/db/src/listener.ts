import pg from 'pg'
import type { Listen, ListenHandlers, Unlisten } from './database.js'
import { checkChannel } from './notify.js'

const firstRetryMs = 250
const lastRetryMs = 5_000

/**
 * LISTEN on a PostgreSQL server through one connection of its own (a pooled one would be handed back). When the
 * connection breaks it reconnects with backoff, listens again, and tells each handler `onGap`: notifications sent
 * meanwhile are lost, so a listener reloads what it shows.
 */
export function postgresListener(url: string): { listen: Listen; close(): Promise<void> } {
  const handlers = new Map<string, Set<ListenHandlers>>()
  let client: pg.Client | undefined
  let connecting: Promise<pg.Client> | undefined
  let closed = false
  let retryMs = firstRetryMs
  let retryTimer: NodeJS.Timeout | undefined

  function connect(): Promise<pg.Client> {
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: url })
      next.on('notification', (message) => {
        for (const handler of handlers.get(message.channel) ?? []) handler.onMessage(message.payload ?? '')
      })
      next.on('error', () => broken(next))
      next.on('end', () => broken(next))
      await next.connect()
      for (const channel of handlers.keys()) await next.query(`listen ${channel}`)
      client = next
      retryMs = firstRetryMs
      return next
    })().finally(() => {
      connecting = undefined
    })
    return connecting
  }

  function broken(which: pg.Client): void {
    if (closed || client !== which) return
    client = undefined
    which.end().catch(() => {})
    const retry = (): void => {
      retryTimer = undefined
      if (closed) return
      connect().then(
        () => {
          for (const set of handlers.values()) for (const handler of set) handler.onGap?.()
        },
        () => {
          retryMs = Math.min(retryMs * 2, lastRetryMs)
          retryTimer = setTimeout(retry, retryMs)
        },
      )
    }
    retryTimer = setTimeout(retry, retryMs)
  }

  async function listen(channel: string, handler: ListenHandlers): Promise<Unlisten> {
    checkChannel(channel)
    let set = handlers.get(channel)
    const fresh = set === undefined
    set ??= new Set()
    set.add(handler)
    handlers.set(channel, set)
    const connection = client ?? (await connect())
    // Listening twice is harmless; missing a channel added while connecting is not.
    if (fresh) await connection.query(`listen ${channel}`)
    return async () => {
      set.delete(handler)
      if (set.size > 0 || handlers.get(channel) !== set) return
      handlers.delete(channel)
      await client?.query(`unlisten ${channel}`).catch(() => {})
    }
  }

  return {
    listen,
    async close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      const open = client
      client = undefined
      await open?.end().catch(() => {})
    },
  }
}
