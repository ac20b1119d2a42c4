import { describe, expect, it } from 'vitest'
import type { Clock } from '../clock.js'

export interface ClockHarness {
  clock: Clock
  /** Lets `ms` of the clock's time pass: `advance(ms)` on a stepped clock, a real wait otherwise. */
  pass(ms: number): Promise<void>
}

/** Timer granularity on a real event loop is a whole millisecond; no clock is judged finer than that. */
const SLACK_MS = 1

/** The behaviour every `Clock` must show. */
export function describeClockContract(
  name: string,
  factory: () => Promise<ClockHarness> | ClockHarness,
): void {
  describe(`Clock contract: ${name}`, () => {
    it('never runs backwards', async () => {
      const { clock, pass } = await factory()
      let previous = clock.now()
      for (let i = 0; i < 1_000; i++) {
        const now = clock.now()
        expect(now).toBeGreaterThanOrEqual(previous)
        previous = now
      }
      await pass(20)
      expect(clock.now()).toBeGreaterThanOrEqual(previous + 20 - SLACK_MS)
    })

    it('resolves sleeps no earlier than asked, shortest first', async () => {
      const { clock, pass } = await factory()
      const start = clock.now()
      const woke: Array<[number, number]> = []
      const sleeps = [30, 10, 20].map((ms) => clock.sleep(ms).then(() => woke.push([ms, clock.now()])))
      await pass(50)
      await Promise.all(sleeps)
      expect(woke.map(([ms]) => ms)).toEqual([10, 20, 30])
      for (const [ms, at] of woke) expect(at - start).toBeGreaterThanOrEqual(ms - SLACK_MS)
    })

    it('rejects a sleep with the abort reason, whether aborted before or during it', async () => {
      const { clock, pass } = await factory()
      const reason = new Error('stopped')
      await expect(clock.sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason)

      const controller = new AbortController()
      let resolved = false
      const sleeping = clock.sleep(30, controller.signal).then(() => {
        resolved = true
      })
      controller.abort(reason)
      await expect(sleeping).rejects.toBe(reason)
      await pass(50)
      expect(resolved).toBe(false)
    })

    it('fires timers and intervals until cancelled', async () => {
      const { clock, pass } = await factory()
      let timeouts = 0
      let ticks = 0
      clock.setTimeout(() => timeouts++, 10)
      clock.setTimeout(() => timeouts++, 10).cancel()
      const interval = clock.setInterval(() => ticks++, 10)
      await pass(55)
      interval.cancel()
      const ticksWhenCancelled = ticks
      await pass(30)
      expect(timeouts).toBe(1)
      expect(ticksWhenCancelled).toBeGreaterThanOrEqual(3)
      expect(ticks).toBe(ticksWhenCancelled)
    })
  })
}
