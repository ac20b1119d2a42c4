/** A cancellable scheduled callback. `cancel()` after it fired is a no-op. */
export interface Timer {
  cancel(): void
}

/**
 * Time as the agents see it. Every timestamp in this package (edge events, meter readings) comes from a `Clock`, so a
 * simulated clock can run a whole charging session in seconds of real time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch; never decreases between two calls. */
  now(): number
  /**
   * Resolves after `ms` milliseconds of this clock's time. If `signal` aborts first (or is already aborted) it rejects
   * with `signal.reason` and the timer is released.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** Calls `callback` once after `ms` of this clock's time. */
  setTimeout(callback: () => void, ms: number): Timer
  /** Calls `callback` every `ms` of this clock's time until cancelled. */
  setInterval(callback: () => void, ms: number): Timer
}

/** Shared `sleep` on top of `setTimeout`, so every clock aborts the same way. */
export function sleepOn(clock: Pick<Clock, 'setTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      timer.cancel()
      reject(signal?.reason)
    }
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Wall-clock time for production. `now()` is derived from the monotonic `performance` clock, so an NTP step on the Pi
 * (common right after boot, before it has network) cannot make time run backwards inside a session.
 */
export function createRealClock(): Clock {
  const clock: Clock = {
    now: () => performance.timeOrigin + performance.now(),
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
    setTimeout(callback, ms) {
      const handle = globalThis.setTimeout(callback, Math.max(0, ms))
      return { cancel: () => globalThis.clearTimeout(handle) }
    },
    setInterval(callback, ms) {
      const handle = globalThis.setInterval(callback, Math.max(1, ms))
      return { cancel: () => globalThis.clearInterval(handle) }
    },
  }
  return clock
}
