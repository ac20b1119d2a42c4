import type { Clock } from '../clock.js'
import { InvalidHardwareOptionError } from '../errors.js'
import { createDebouncedInput, type DigitalInput } from '../inputs.js'

export interface SimulatedInputOptions {
  clock: Clock
  debounceMs?: number
  /** Raw line level at start. Default low. */
  initial?: boolean
  name?: string
}

/** A simulated input line: the same debounced edges as a GPIO driver, with controls to drive the raw line. */
export interface SimulatedInput extends DigitalInput {
  /** Drives the raw line, as a sensor or a finger would. */
  set(level: boolean): void
  /** Drives the line high now and low again `holdMs` later (clock time): a button press, or a glitch if short. */
  press(holdMs: number): void
  /** The raw, undebounced line level. */
  raw(): boolean
}

export function createSimulatedInput(options: SimulatedInputOptions): SimulatedInput {
  const { clock, initial = false } = options
  const { input, feed } = createDebouncedInput({ ...options, initial })
  let line = initial
  const set = (level: boolean) => {
    line = level
    feed(level)
  }
  return {
    debounceMs: input.debounceMs,
    current: () => input.current(),
    onEdge: (listener) => input.onEdge(listener),
    close: () => input.close(),
    set,
    press(holdMs) {
      if (!(Number.isFinite(holdMs) && holdMs > 0)) {
        throw new InvalidHardwareOptionError('press holdMs', 'a positive number of milliseconds', holdMs)
      }
      set(true)
      clock.setTimeout(() => set(false), holdMs)
    },
    raw: () => line,
  }
}
