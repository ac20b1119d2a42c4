import { describe, expect, it } from 'vitest'
import { InvalidHardwareOptionError } from '../errors.js'
import { describeClockContract } from '../testing/clockContract.js'
import { createSimulatedClock } from './clock.js'

describeClockContract('simulated clock, stepped', () => {
  const clock = createSimulatedClock()
  return { clock, pass: (ms) => clock.advance(ms) }
})

describeClockContract('simulated clock, speed 5', () => {
  const clock = createSimulatedClock({ speed: 5 })
  return { clock, pass: (ms) => clock.sleep(ms) }
})

describe('createSimulatedClock', () => {
  it('stands still until advanced, and fires each timer at exactly its due time', async () => {
    const clock = createSimulatedClock({ start: 1_000 })
    const seen: number[] = []
    clock.setTimeout(() => seen.push(clock.now()), 250)
    clock.setTimeout(() => seen.push(clock.now()), 100)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(clock.now()).toBe(1_000)
    await clock.advance(300)
    expect(seen).toEqual([1_100, 1_250])
    expect(clock.now()).toBe(1_300)
  })

  it('runs code after an awaited sleep before the next timer fires', async () => {
    const clock = createSimulatedClock()
    const order: string[] = []
    const task = (async () => {
      await clock.sleep(10)
      order.push('after first sleep')
      await clock.sleep(10)
      order.push('after second sleep')
    })()
    clock.setTimeout(() => order.push('timer at 15'), 15)
    await clock.advance(100)
    await task
    expect(order).toEqual(['after first sleep', 'timer at 15', 'after second sleep'])
  })

  it('fires every interval tick across one long advance and reports pending timers', async () => {
    const clock = createSimulatedClock()
    let ticks = 0
    const interval = clock.setInterval(() => ticks++, 1_000)
    expect(clock.pendingTimers()).toBe(1)
    await clock.advance(3_600_000)
    expect(ticks).toBe(3_600)
    interval.cancel()
    expect(clock.pendingTimers()).toBe(0)
  })

  it('runs faster than real time by its speed factor', async () => {
    const clock = createSimulatedClock({ speed: 3_600 })
    const start = clock.now()
    await new Promise((resolve) => setTimeout(resolve, 50))
    const elapsed = clock.now() - start
    expect(elapsed).toBeGreaterThanOrEqual(3_600 * 49)
    expect(elapsed).toBeLessThan(3_600 * 1_000)
  })

  it('rejects a speed that is not a positive number and a delay that is not finite', () => {
    expect(() => createSimulatedClock({ speed: 0 })).toThrow(InvalidHardwareOptionError)
    expect(() => createSimulatedClock({ speed: Number.NaN })).toThrow(/speed/)
    expect(() => createSimulatedClock().setTimeout(() => {}, Number.POSITIVE_INFINITY)).toThrow(/delay/)
  })
})
