import type { SerialPort } from 'serialport'
import { closeSerialPort, openSerialPort } from '../serial/openPort.js'

export interface FakeStm32Options {
  /** The far end of a pty pair. */
  path: string
  /** How often it prints its three lines. Default 50 ms (the real firmware: about a second). */
  periodMs?: number
  /** Energy register at start, kWh. */
  startKWh?: number
  /** Register steps (0.01 kWh) added per period while current flows. Default 1. */
  stepsPerPeriod?: number
}

/**
 * Plays the prototype's STM32 lower computer on a serial port: every period it prints `energy is %f`,
 * `voltage is %f` and the gun line, CRLF-terminated, as its firmware does. Test controls make it noisy or silent.
 */
export interface FakeStm32 {
  /** Current flows: the energy register advances each period. */
  setFlowing(flowing: boolean): void
  setPlugged(plugged: boolean): void
  /** Prints its gun line now instead of waiting for the period. */
  printGunNow(): void
  /** Until `clean()`, every energy line is damaged on the wire (a digit lost). */
  garble(): void
  clean(): void
  /** Stops printing until `resume()`. */
  silence(): void
  resume(): void
  /** Writes raw bytes, exactly as given. */
  writeRaw(bytes: string | Uint8Array): Promise<void>
  readonly energyKWh: number
  /** Every energy register value it printed, in order, kWh (a test matches what the driver read against these). */
  readonly printedKWh: readonly number[]
  close(): Promise<void>
}

export async function startFakeStm32(options: FakeStm32Options): Promise<FakeStm32> {
  const port: SerialPort = await openSerialPort({ path: options.path, baudRate: 9_600 })
  let energyKWh = options.startKWh ?? 1234.56
  let flowing = false
  let plugged = false
  let garbled = false
  let silent = false
  const steps = options.stepsPerPeriod ?? 1
  const printedKWh: number[] = []
  const write = (text: string | Uint8Array) =>
    new Promise<void>((resolve) => {
      port.write(text, () => port.drain(() => resolve()))
    })
  const gunLine = () => (plugged ? 'has plugged in\r\n' : 'has not plugged in\r\n')
  const tick = () => {
    if (flowing) energyKWh = Math.round((energyKWh + 0.01 * steps) * 100) / 100
    if (silent) return
    printedKWh.push(energyKWh)
    const energy = energyKWh.toFixed(6)
    // A byte lost on the wire: the decimals come one short, which the driver must not believe.
    const sent = garbled ? energy.slice(0, -1) : energy
    void write(`energy is ${sent}\r\nvoltage is 230.400000\r\n${gunLine()}`)
  }
  const timer = setInterval(tick, options.periodMs ?? 50)
  return {
    setFlowing: (value) => {
      flowing = value
    },
    setPlugged: (value) => {
      plugged = value
    },
    printGunNow: () => void write(gunLine()),
    garble: () => {
      garbled = true
    },
    clean: () => {
      garbled = false
    },
    silence: () => {
      silent = true
    },
    resume: () => {
      silent = false
    },
    writeRaw: write,
    get energyKWh() {
      return energyKWh
    },
    printedKWh,
    async close() {
      clearInterval(timer)
      await closeSerialPort(port)
    },
  }
}
