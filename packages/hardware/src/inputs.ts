import type { Clock, Timer } from './clock.js'
import { HardwareClosedError, InvalidHardwareOptionError } from './errors.js'

/** A debounced level change. */
export interface Edge {
  /** The new level: `true` = high / active. */
  readonly level: boolean
  /**
   * Clock time (epoch ms) at which the line first showed the new level. The event itself is delivered once the level
   * has held for the input's debounce time, so `at` is that much earlier than the moment a listener runs.
   */
  readonly at: number
}

export type EdgeListener = (edge: Edge) => void

/**
 * One digital input line, debounced.
 *
 * - A change is reported only after the new level has held for `debounceMs`; a pulse shorter than that (contact
 *   bounce, a brushed button) produces no edge at all. Edges therefore always alternate: high, low, high…
 * - `current()` is the debounced level, never the raw line.
 * - Listeners run synchronously on the driver's clock callback and must not throw.
 * - `close()` stops delivery: no edge is emitted after it resolves; `current()` then throws `HardwareClosedError`.
 *   Closing twice is a no-op.
 */
export interface DigitalInput {
  readonly debounceMs: number
  current(): boolean
  /** Subscribes to debounced edges; returns the function that unsubscribes. */
  onEdge(listener: EdgeListener): () => void
  close(): Promise<void>
}

/** Car-arrival sensor (BCM 2 on the prototype: a geomagnetic parking sensor or a button). High = a car is present. */
export type ArrivalSensor = DigitalInput
/** Charging gun. High = plugged into the car. Use `gunSensorFromButtons` for piles with separate in/out buttons. */
export type GunSensor = DigitalInput
/** HC-05 STATE line (BCM 17). High while a Bluetooth peer is connected. */
export type LinkStatus = DigitalInput

export interface DebouncedInputOptions {
  clock: Clock
  /** How long a new level must hold before it counts. The prototype's arrival sensor needs 500 ms. Default 0. */
  debounceMs?: number
  /** The line's level when the driver opens. */
  initial: boolean
  /** Used in error messages, e.g. `"arrival sensor (BCM 2)"`. */
  name?: string
}

export interface DebouncedInput {
  readonly input: DigitalInput
  /**
   * Hands the debouncer a raw level read from the line (or interrupt); repeated levels are fine. `at` is when the line
   * changed, if the driver knows it (a kernel edge timestamp); default now. The level must then hold until
   * `at + debounceMs`.
   */
  feed(level: boolean, at?: number): void
}

/**
 * The debounce logic every input driver shares: real GPIO drivers feed it raw line events, simulated ones feed it the
 * test's level changes, and all of them emit identical edges.
 */
export function createDebouncedInput(options: DebouncedInputOptions): DebouncedInput {
  const { clock, debounceMs = 0, name = 'digital input' } = options
  if (!(Number.isFinite(debounceMs) && debounceMs >= 0)) {
    throw new InvalidHardwareOptionError(
      `${name} debounceMs`,
      'a non-negative number of milliseconds',
      debounceMs,
    )
  }
  const listeners = new Set<EdgeListener>()
  let stable = options.initial
  let candidate: { level: boolean; at: number; timer: Timer | undefined } | undefined
  let closed = false

  let stableSince = Number.NEGATIVE_INFINITY
  const commit = (level: boolean, at: number) => {
    candidate = undefined
    stable = level
    stableSince = at
    for (const listener of [...listeners]) listener({ level, at })
  }

  const input: DigitalInput = {
    debounceMs,
    current() {
      if (closed) throw new HardwareClosedError(name)
      return stable
    },
    onEdge(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      closed = true
      candidate?.timer?.cancel()
      candidate = undefined
      listeners.clear()
    },
  }

  return {
    input,
    feed(level, changedAt) {
      if (closed || level === candidate?.level) return
      candidate?.timer?.cancel()
      candidate = undefined
      if (level === stable) return // the line went back before the debounce time: a glitch
      const now = clock.now()
      // Within [the last edge, now]: edges never go back in time, even if a driver's timestamp is off.
      const at = Math.min(Math.max(changedAt ?? now, stableSince), now)
      const remaining = debounceMs - (now - at)
      if (remaining <= 0) return commit(level, at)
      candidate = { level, at, timer: undefined }
      candidate.timer = clock.setTimeout(() => commit(level, at), remaining)
    },
  }
}

export interface GunButtons {
  /** Pressed when the gun is put on the car (BCM 27 on the prototype). */
  plug: DigitalInput
  /** Pressed when the gun is taken off (BCM 10 on the prototype). */
  unplug: DigitalInput
  /** Whether the gun is in the car when the driver opens. Default false. */
  initiallyPlugged?: boolean
}

/**
 * A `GunSensor` for piles that report the gun with two momentary buttons: a press of `plug` latches high, a press of
 * `unplug` latches low; repeated presses of the same button change nothing. Closing it closes both buttons.
 */
export function gunSensorFromButtons(buttons: GunButtons): GunSensor {
  const listeners = new Set<EdgeListener>()
  let plugged = buttons.initiallyPlugged ?? false
  let closed = false

  const latch = (level: boolean) => (edge: Edge) => {
    if (!edge.level || plugged === level) return // act on the press, not the release
    plugged = level
    for (const listener of [...listeners]) listener({ level, at: edge.at })
  }
  const unsubscribe = [buttons.plug.onEdge(latch(true)), buttons.unplug.onEdge(latch(false))]

  return {
    debounceMs: Math.max(buttons.plug.debounceMs, buttons.unplug.debounceMs),
    current() {
      if (closed) throw new HardwareClosedError('gun sensor')
      return plugged
    },
    onEdge(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      if (closed) return
      closed = true
      for (const stop of unsubscribe) stop()
      listeners.clear()
      await Promise.all([buttons.plug.close(), buttons.unplug.close()])
    },
  }
}
