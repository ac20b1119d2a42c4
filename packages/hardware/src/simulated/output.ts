import type { Clock } from '../clock.js'
import { HardwareClosedError } from '../errors.js'
import type { BinaryOutput } from '../outputs.js'

export interface SimulatedOutputOptions {
  clock: Clock
  name?: string
  /** Called just before the physical state changes, so a simulation can account for the time up to the switch. */
  onBeforeChange?: (on: boolean) => void
}

export interface OutputSwitch {
  readonly on: boolean
  readonly at: number
}

/** A simulated relay or power switch with a record of every switch and a fault to inject. */
export interface SimulatedOutput extends BinaryOutput {
  /** Every change of the physical state, in order. */
  readonly history: readonly OutputSwitch[]
  /** The physical state, readable even after close (tests check the relay was left off). */
  physical(): boolean
  /** Welds the contacts closed: the output stays on whatever `set()` asks, as a real welded contactor does. */
  weld(): void
}

export function createSimulatedOutput(options: SimulatedOutputOptions): SimulatedOutput {
  const { clock, name = 'output', onBeforeChange } = options
  const history: OutputSwitch[] = []
  let on = false
  let welded = false
  let closed = false

  const drive = (wanted: boolean) => {
    const next = welded || wanted
    if (next === on) return
    onBeforeChange?.(next)
    on = next
    history.push({ on, at: clock.now() })
  }
  const ensureOpen = () => {
    if (closed) throw new HardwareClosedError(name)
  }

  return {
    history,
    async set(wanted) {
      ensureOpen()
      drive(wanted)
    },
    async isOn() {
      ensureOpen()
      return on
    },
    async close() {
      if (closed) return
      drive(false)
      closed = true
    },
    physical: () => on,
    weld() {
      drive(true)
      welded = true
    },
  }
}
