import {
  type Clock,
  createDebouncedInput,
  type EnergyMeter,
  type GunSensor,
  HardwareClosedError,
  InvalidHardwareOptionError,
  MeterReadError,
  type MeterReading,
  type Timer,
} from '@chargechain/hardware'
import type { SerialPort } from 'serialport'
import { PowerFromEnergy } from '../meter/powerFromEnergy.js'
import { closeSerialPort, openSerialPort } from '../serial/openPort.js'
import { Stm32SilentError } from './errors.js'
import { type Stm32Event, Stm32LineParser } from './lineParser.js'

export interface Stm32Options {
  clock: Clock
  /** How long a read waits for the next `energy is` line. Default 3 000 ms (the firmware prints about once a second). */
  readTimeoutMs?: number
  /** No line at all for this long is a fault (`onFault`). Default 10 000 ms. */
  silenceMs?: number
  /** The gun line's debounce, on top of the firmware's own. Default 0. */
  gunDebounceMs?: number
  /**
   * The most power the pile can draw, W; an energy line that rose faster than this since the last one was damaged on
   * the wire and is skipped. Default 50 000.
   */
  maxPowerW?: number
  /** The energy register's step, Wh: a rise of one step is always plausible. Default 10 (the DDSD1352's 0.01 kWh). */
  resolutionWh?: number
  /** Called once when the STM32 falls silent; the agent stops charging and settles. */
  onFault?: (error: Stm32SilentError) => void
}

export interface Stm32Stats {
  /** Lines parsed and used. */
  readonly lines: number
  /** Lines skipped: garbled, torn, or not a line the firmware prints. */
  readonly garbled: number
  /** Well-formed energy lines skipped because the value fell or rose faster than `maxPowerW` allows. */
  readonly implausible: number
  /** Reads that timed out or saw only damaged lines. */
  readonly failedReads: number
  readonly energyKWh: number | undefined
  readonly voltageV: number | undefined
  readonly plugged: boolean | undefined
}

/** The meter and gun sensor the STM32 lower computer reports over its UART, with its line statistics. */
export interface Stm32Driver {
  readonly meter: EnergyMeter
  readonly gun: GunSensor
  stats(): Stm32Stats
  /** Subscribes to every parsed event (the probe prints them). */
  onEvent(listener: (event: Stm32Event) => void): () => void
  close(): Promise<void>
}

/** What the driver needs of a serial port: a structural type, so tests and the probe can pass any byte source. */
export interface ByteSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown
  removeAllListeners(event?: string): unknown
}

interface PendingRead {
  resolve(reading: MeterReading): void
  reject(error: unknown): void
  timer: Timer
  sawDamage: boolean
}

/** Runs the STM32 protocol over an open byte source. `openStm32` opens the serial port first. */
export function createStm32Driver(source: ByteSource, options: Stm32Options): Stm32Driver {
  const { clock, readTimeoutMs = 3_000, silenceMs = 10_000, maxPowerW = 50_000, resolutionWh = 10 } = options
  for (const [name, value] of Object.entries({ readTimeoutMs, silenceMs, maxPowerW, resolutionWh })) {
    if (!(Number.isFinite(value) && value > 0))
      throw new InvalidHardwareOptionError(`stm32 ${name}`, 'a positive number', value)
  }
  const parser = new Stm32LineParser()
  const gun = createDebouncedInput({
    clock,
    debounceMs: options.gunDebounceMs ?? 0,
    initial: false,
    name: 'gun sensor (STM32)',
  })
  const power = new PowerFromEnergy()
  const listeners = new Set<(event: Stm32Event) => void>()
  const pending = new Set<PendingRead>()
  let energy: { wh: number; at: number } | undefined
  let voltageV: number | undefined
  let plugged: boolean | undefined
  let implausible = 0
  let failedReads = 0
  let lastLineAt = clock.now()
  let faulted = false
  let closed = false

  const reading = (wh: number, at: number): MeterReading => {
    const powerW = power.powerW(at)
    const volts = voltageV ?? 0
    return { energyWh: wh, voltageV: volts, currentA: volts > 0 ? powerW / volts : 0, powerW, at }
  }

  /** The register in Wh if the line is believable, else undefined. */
  const acceptEnergy = (kWh: number, at: number): number | undefined => {
    const wh = Math.round(kWh * 100_000) / 100
    if (energy) {
      const hours = Math.max(0, at - energy.at) / 3_600_000
      if (wh < energy.wh || wh - energy.wh > maxPowerW * hours + resolutionWh) return undefined
    }
    energy = { wh, at }
    power.update(wh, at)
    return wh
  }

  const handle = (event: Stm32Event) => {
    const at = clock.now()
    lastLineAt = at
    let damaged = event.type === 'garbled'
    if (event.type === 'energy') {
      const wh = acceptEnergy(event.kWh, at)
      if (wh !== undefined) {
        // Right after opening, the voltage line of this round is still to come: the next round completes the reading.
        const value = voltageV === undefined ? undefined : reading(wh, at)
        if (value) for (const read of [...pending]) settle(read, () => read.resolve(value))
      } else {
        implausible++
        damaged = true
      }
    } else if (event.type === 'voltage') {
      voltageV = event.volts
    } else if (event.type === 'gun') {
      plugged = event.plugged
      gun.feed(event.plugged)
    }
    if (damaged) for (const read of pending) read.sawDamage = true
    if (!(damaged && event.type === 'energy')) for (const listener of [...listeners]) listener(event)
  }

  const settle = (read: PendingRead, finish: () => void) => {
    read.timer.cancel()
    pending.delete(read)
    finish()
  }

  source.on('data', (chunk) => {
    if (closed) return
    for (const event of parser.push(chunk)) handle(event)
  })

  const watchdog = clock.setInterval(
    () => {
      const silent = clock.now() - lastLineAt
      if (faulted || silent < silenceMs) return
      faulted = true
      options.onFault?.(new Stm32SilentError(silent))
    },
    Math.min(1_000, silenceMs / 4),
  )

  const meter: EnergyMeter = {
    read() {
      if (closed) return Promise.reject(new HardwareClosedError('STM32 meter'))
      return new Promise((resolve, reject) => {
        const read: PendingRead = {
          resolve,
          reject,
          sawDamage: false,
          timer: clock.setTimeout(() => {
            failedReads++
            settle(read, () =>
              reject(
                new MeterReadError(read.sawDamage ? 'malformed' : 'timeout', {
                  details: read.sawDamage
                    ? `Only damaged lines arrived from the STM32 in ${readTimeoutMs} ms.`
                    : `No energy line arrived from the STM32 in ${readTimeoutMs} ms.`,
                }),
              ),
            )
          }, readTimeoutMs),
        }
        pending.add(read)
      })
    },
    close: () => close(),
  }

  async function close() {
    if (closed) return
    closed = true
    watchdog.cancel()
    source.removeAllListeners('data')
    for (const read of [...pending]) settle(read, () => read.reject(new HardwareClosedError('STM32 meter')))
    await gun.input.close()
  }

  return {
    meter,
    gun: gun.input,
    stats: () => ({
      lines: parser.lines,
      garbled: parser.garbled,
      implausible,
      failedReads,
      energyKWh: energy ? energy.wh / 1000 : undefined,
      voltageV,
      plugged,
    }),
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close,
  }
}

export interface OpenStm32Options extends Stm32Options {
  /** The Pi's UART wired to the STM32's UART1, e.g. `/dev/ttyAMA0`. */
  path: string
  /** Default 9 600, as the firmware sets. */
  baudRate?: number
}

export interface OpenedStm32 extends Stm32Driver {
  readonly port: SerialPort
}

/** Opens the serial port to the STM32 and runs its line protocol on it; `close()` releases the port too. */
export async function openStm32(options: OpenStm32Options): Promise<OpenedStm32> {
  const port = await openSerialPort({ path: options.path, baudRate: options.baudRate ?? 9_600 })
  const driver = createStm32Driver(port, options)
  return {
    ...driver,
    port,
    async close() {
      await driver.close()
      await closeSerialPort(port)
    },
  }
}
