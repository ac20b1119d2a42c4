import type { StopReason } from '@chargechain/link'

/** What was asked of the charge in progress since the charging step last looked. */
export interface SessionCommands {
  stop?: StopReason
  stopAtWh?: number
}

/**
 * The operator's commands between the agent's API and its steps. A stop or a limit is addressed to one session and
 * taken by its charging step, which journals the limit; availability is the pile's own.
 */
export interface CommandBox {
  /** Aborted when a command for a session arrives; the charging step's wait ends on it. Renewed by `take`. */
  readonly arrived: AbortSignal
  request(sessionId: string, command: SessionCommands): void
  /** The commands for `sessionId` since the last take (commands for another session are dropped). */
  take(sessionId: string): SessionCommands
  pending(sessionId: string): boolean
  readonly available: boolean
  setAvailable(available: boolean): void
  /** Resolves once the pile is available; rejects with `signal.reason` on abort. */
  untilAvailable(signal: AbortSignal): Promise<void>
}

/** `available`: as the journal left the pile (true for a new one). */
export function createCommandBox(initiallyAvailable: boolean): CommandBox {
  let wake = new AbortController()
  let pending: { sessionId: string; commands: SessionCommands } | undefined
  let available = initiallyAvailable
  const waiting = new Set<() => void>()
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
  return {
    get arrived() {
      return wake.signal
    },
    request(sessionId, command) {
      const earlier = pending && same(pending.sessionId, sessionId) ? pending.commands : {}
      pending = { sessionId, commands: { ...earlier, ...command } }
      wake.abort()
    },
    take(sessionId) {
      const taken = pending && same(pending.sessionId, sessionId) ? pending.commands : {}
      pending = undefined
      if (wake.signal.aborted) wake = new AbortController()
      return taken
    },
    pending: (sessionId) => pending !== undefined && same(pending.sessionId, sessionId),
    get available() {
      return available
    },
    setAvailable(value) {
      available = value
      if (!value) return
      for (const resolve of waiting) resolve()
      waiting.clear()
    },
    untilAvailable(signal) {
      if (available) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          waiting.delete(done)
          reject(signal.reason)
        }
        const done = () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
        waiting.add(done)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    },
  }
}
