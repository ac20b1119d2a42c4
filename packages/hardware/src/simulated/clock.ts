import { type Clock, sleepOn, type Timer } from '../clock.js'
import { InvalidHardwareOptionError } from '../errors.js'

export interface SimulatedClockOptions {
  /** Epoch ms the clock starts at. Default: 2025-01-01T00:00:00Z, so test output is reproducible. */
  start?: number
  /**
   * Run on its own, `speed` times faster than real time (`60` = one simulated minute per real second). Leave unset
   * for a clock that only moves when the test calls `advance()`.
   */
  speed?: number
}

export interface SimulatedClock extends Clock {
  /** The speed factor, or `undefined` for a manually stepped clock. */
  readonly speed: number | undefined
  /**
   * Moves time forward by `ms`, firing every timer that falls due, in due order, with `now()` equal to each timer's
   * due time, and lets promise continuations (code after an `await sleep()`) run before the next timer fires.
   */
  advance(ms: number): Promise<void>
  /** How many timers are waiting; lets a test check that nothing is left running. */
  pendingTimers(): number
}

interface PendingTimer {
  readonly id: number
  due: number
  readonly every: number | undefined
  readonly callback: () => void
}

const DEFAULT_START = Date.UTC(2025, 0, 1)

function checkDelay(ms: number): number {
  if (!Number.isFinite(ms))
    throw new InvalidHardwareOptionError('delay', 'a finite number of milliseconds', ms)
  return Math.max(0, ms)
}

/** Lets every queued promise continuation run. */
const flushContinuations = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A clock for simulations and tests: stepped by hand, or running at `speed` × real time. Each instance is independent. */
export function createSimulatedClock(options: SimulatedClockOptions = {}): SimulatedClock {
  const { start = DEFAULT_START, speed } = options
  if (speed !== undefined && !(Number.isFinite(speed) && speed > 0)) {
    throw new InvalidHardwareOptionError(
      'speed',
      'a positive number (60 = one simulated minute per second)',
      speed,
    )
  }
  const realBase = performance.now()
  let skipped = 0 // time added by advance() on top of the running real time
  let lastNow = start
  let nextId = 1
  let pending: PendingTimer[] = []
  let realTimer: NodeJS.Timeout | undefined

  const now = () => {
    const raw =
      speed === undefined ? start + skipped : start + skipped + (performance.now() - realBase) * speed
    lastNow = Math.max(lastNow, raw)
    return lastNow
  }

  const schedule = (timer: PendingTimer) => {
    pending.push(timer)
    pending.sort((a, b) => a.due - b.due || a.id - b.id)
    armRealTimer()
  }

  const takeDue = (until: number): PendingTimer | undefined => {
    const first = pending[0]
    if (!first || first.due > until) return undefined
    pending.shift()
    return first
  }

  const fire = (timer: PendingTimer) => {
    if (timer.every !== undefined) schedule({ ...timer, due: timer.due + timer.every })
    timer.callback()
  }

  // Only a running clock needs a real timer: it wakes up when the earliest simulated timer falls due.
  function armRealTimer() {
    if (speed === undefined) return
    if (realTimer) clearTimeout(realTimer)
    realTimer = undefined
    const first = pending[0]
    if (!first) return
    realTimer = setTimeout(
      async () => {
        realTimer = undefined
        for (let timer = takeDue(now()); timer; timer = takeDue(now())) {
          fire(timer)
          await flushContinuations()
        }
        armRealTimer()
      },
      Math.max(0, (first.due - now()) / speed),
    )
  }

  const cancel = (id: number) => {
    pending = pending.filter((timer) => timer.id !== id)
    armRealTimer()
  }

  const clock: SimulatedClock = {
    speed,
    now,
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
    setTimeout(callback, ms) {
      const id = nextId++
      schedule({ id, due: now() + checkDelay(ms), every: undefined, callback })
      return { cancel: () => cancel(id) } satisfies Timer
    },
    setInterval(callback, ms) {
      const every = Math.max(1, checkDelay(ms))
      const id = nextId++
      schedule({ id, due: now() + every, every, callback })
      return { cancel: () => cancel(id) } satisfies Timer
    },
    async advance(ms) {
      const target = now() + checkDelay(ms)
      await flushContinuations()
      for (let timer = takeDue(target); timer; timer = takeDue(target)) {
        // A stepped clock stands exactly at the timer's due time while its callback runs.
        if (speed === undefined) skipped = Math.max(skipped, timer.due - start)
        else skipped += Math.max(0, timer.due - now())
        fire(timer)
        await flushContinuations()
      }
      if (target > now()) skipped += target - now()
      armRealTimer()
    },
    pendingTimers: () => pending.length,
  }
  return clock
}
