import { describe, expect, it } from 'vitest'
import { InvalidHardwareOptionError } from './errors.js'
import { createDebouncedInput, gunSensorFromButtons } from './inputs.js'
import { createSimulatedClock } from './simulated/clock.js'
import { createSimulatedInput } from './simulated/input.js'
import { describeDigitalInputContract } from './testing/inputContract.js'

describeDigitalInputContract('simulated input', async () => {
  const clock = createSimulatedClock()
  const input = createSimulatedInput({ clock, debounceMs: 50 })
  return { input, drive: (level) => input.set(level), pass: (ms) => clock.advance(ms), now: clock.now }
})

describeDigitalInputContract('gun sensor from two buttons', async () => {
  const clock = createSimulatedClock()
  const plug = createSimulatedInput({ clock, debounceMs: 40, name: 'gun-in button' })
  const unplug = createSimulatedInput({ clock, debounceMs: 40, name: 'gun-out button' })
  const input = gunSensorFromButtons({ plug, unplug })
  return {
    input,
    drive(level) {
      ;(level ? unplug : plug).set(false)
      ;(level ? plug : unplug).set(true)
    },
    pass: (ms) => clock.advance(ms),
    now: clock.now,
  }
})

describe('createDebouncedInput', () => {
  it('counts an arrival only when the sensor is held for the hold time (500 ms on the prototype)', async () => {
    const clock = createSimulatedClock()
    const arrival = createSimulatedInput({ clock, debounceMs: 500 })
    const edges: boolean[] = []
    arrival.onEdge((edge) => edges.push(edge.level))
    arrival.press(499)
    await clock.advance(1_000)
    expect(edges).toEqual([])
    arrival.press(500)
    await clock.advance(1_000)
    expect(edges).toEqual([true, false])
  })

  it('delivers edges at once without debounce, and ignores repeated levels', async () => {
    const clock = createSimulatedClock()
    const { input, feed } = createDebouncedInput({ clock, initial: true })
    const edges: boolean[] = []
    input.onEdge((edge) => edges.push(edge.level))
    feed(true)
    feed(false)
    feed(false)
    feed(true)
    expect(edges).toEqual([false, true])
  })

  it('counts the hold from when the line changed, as a kernel edge timestamp tells, not from when it was fed', async () => {
    const clock = createSimulatedClock({ start: 1_000 })
    const { input, feed } = createDebouncedInput({ clock, initial: false, debounceMs: 50 })
    const edges: Array<{ level: boolean; at: number }> = []
    input.onEdge((edge) => edges.push(edge))
    feed(true, 970) // heard of 30 ms late
    await clock.advance(19)
    expect(edges).toEqual([])
    await clock.advance(1)
    expect(edges).toEqual([{ level: true, at: 970 }])
    await clock.advance(100)
    feed(false, 1_060) // already held longer than the hold time: counts at once
    expect(edges.at(-1)).toEqual({ level: false, at: 1_060 })
  })

  it('rejects a negative debounce time', () => {
    const clock = createSimulatedClock()
    expect(() => createDebouncedInput({ clock, initial: false, debounceMs: -1, name: 'gun' })).toThrow(
      InvalidHardwareOptionError,
    )
  })
})

describe('gunSensorFromButtons', () => {
  it('latches on the press of each button, ignores repeats, and closes both buttons', async () => {
    const clock = createSimulatedClock()
    const plug = createSimulatedInput({ clock, debounceMs: 20 })
    const unplug = createSimulatedInput({ clock, debounceMs: 20 })
    const gun = gunSensorFromButtons({ plug, unplug })
    const edges: boolean[] = []
    gun.onEdge((edge) => edges.push(edge.level))
    for (const button of [plug, plug, unplug, unplug, plug]) {
      button.press(100)
      await clock.advance(200)
    }
    expect(edges).toEqual([true, false, true])
    expect(gun.current()).toBe(true)
    await gun.close()
    expect(() => plug.current()).toThrow(/closed/)
    expect(() => unplug.current()).toThrow(/closed/)
  })
})
