import {
  type Clock,
  type EnergyMeter,
  HardwareClosedError,
  MeterReadError,
  type MeterReadFailure,
  type MeterReading,
} from '@chargechain/hardware'
import modbusSerial from 'modbus-serial'
import { SerialPortOpenError } from '../serial/errors.js'
import { PowerFromEnergy } from './powerFromEnergy.js'
import type { MeterProfile, RegisterBlock } from './profiles.js'
import { decodeField } from './registers.js'
import { FreshRtuPort } from './rtuPort.js'

// A CommonJS module whose types declare a default export; at run time that is `module.exports.default`, set to itself.
const { default: ModbusRTU } = modbusSerial

export interface ModbusMeterOptions {
  /** The RS-485 adapter, e.g. `/dev/ttyUSB0`, or the Pi's UART wired to a MAX3485. */
  path: string
  profile: MeterProfile
  clock: Clock
  /** Overrides the profile's baud rate / slave address (the meter's own settings). */
  baudRate?: number
  unit?: number
  /** How long one request waits for its reply. Default 500 ms (a 41-byte reply takes 85 ms at 4800 baud). */
  timeoutMs?: number
  /** Requests per read before giving up with MeterReadError. Default 3. */
  attempts?: number
}

export interface ModbusMeterStats {
  /** Reads asked of the driver. */
  readonly reads: number
  /** Reads that returned a reading. */
  readonly ok: number
  /** Requests whose reply failed its CRC. */
  readonly crcErrors: number
  /** Requests that got no complete reply in time (silent, or truncated). */
  readonly timeouts: number
  /** Requests answered with the wrong shape, a Modbus exception, or an energy register that went backwards. */
  readonly malformed: number
}

export interface ModbusMeter extends EnergyMeter {
  readonly profile: MeterProfile
  stats(): ModbusMeterStats
}

/** The failure a modbus-serial error stands for. Its errors are plain `Error`s: the fields it sets tell them apart. */
function classify(error: unknown): MeterReadFailure {
  if (!(error instanceof Object)) return 'malformed'
  if ('errno' in error && error.errno === 'ETIMEDOUT') return 'timeout'
  if ('errno' in error && error.errno === 'ECONNREFUSED') return 'no-reply'
  if (error instanceof Error && error.message.startsWith('CRC error')) return 'crc'
  return 'malformed'
}

/**
 * A Modbus RTU energy meter read through modbus-serial. Each `read()` sends the profile's requests; a CRC error, a
 * timeout or a malformed reply is retried (`attempts` in all) on a freshly emptied receive buffer, then reported as
 * a retryable `MeterReadError` carrying the last failure. If the adapter disappeared, the next read reopens it.
 */
export async function openModbusMeter(options: ModbusMeterOptions): Promise<ModbusMeter> {
  const { profile, clock, timeoutMs = 500, attempts = 3 } = options
  const name = `${profile.name} meter on ${options.path}`
  const port = new FreshRtuPort(options.path, {
    baudRate: options.baudRate ?? profile.baudRate,
    parity: profile.parity,
    stopBits: profile.stopBits,
    dataBits: 8,
  })
  const client = new ModbusRTU(port)
  const open = () =>
    new Promise<void>((resolve, reject) =>
      client.open((error?: Error | null) =>
        error
          ? reject(
              new SerialPortOpenError(options.path, {
                cause: error,
                details: error.message,
                retryable: true,
              }),
            )
          : resolve(),
      ),
    )
  await open()
  client.setID(options.unit ?? profile.unit)
  client.setTimeout(timeoutMs)

  const power = new PowerFromEnergy()
  const counts = { reads: 0, ok: 0, crcErrors: 0, timeouts: 0, malformed: 0 }
  let lastEnergyWh: number | undefined
  let queue: Promise<unknown> = Promise.resolve()
  let closed = false

  const request = async (block: RegisterBlock): Promise<number[]> => {
    const reply =
      block.function === 3
        ? await client.readHoldingRegisters(block.address, block.count)
        : await client.readInputRegisters(block.address, block.count)
    return reply.data
  }

  const readOnce = async (): Promise<MeterReading> => {
    if (!port.isOpen) await open()
    const replies: Array<{ block: RegisterBlock; registers: number[] }> = []
    for (const block of profile.blocks) replies.push({ block, registers: await request(block) })
    const at = clock.now()
    const field = (key: keyof MeterProfile['fields']) => {
      const spec = profile.fields[key]
      if (!spec) return undefined
      for (const { block, registers } of replies) {
        if (block.function !== spec.function) continue
        const value = decodeField(spec, block.address, registers)
        if (value !== undefined) return value
      }
      return undefined
    }
    const energyKWh = field('energyKWh')
    const voltageV = field('voltageV')
    if (energyKWh === undefined || voltageV === undefined || !(energyKWh >= 0 && voltageV >= 0))
      throw new MeterReadError('malformed', { details: `${name}: energy or voltage missing or negative` })
    // Rounded to the milliwatt-hour: float32 and scaled integers both carry binary noise below that.
    const energyWh = Math.round(energyKWh * 1_000_000) / 1000
    if (lastEnergyWh !== undefined && energyWh < lastEnergyWh)
      throw new MeterReadError('malformed', {
        details: `${name}: energy register went back from ${lastEnergyWh} to ${energyWh} Wh`,
      })
    lastEnergyWh = energyWh
    power.update(energyWh, at)
    const powerW = field('powerW') ?? power.powerW(at)
    const currentA = field('currentA') ?? (voltageV > 0 ? powerW / voltageV : 0)
    return { energyWh, voltageV, currentA, powerW, at }
  }

  const read = async (): Promise<MeterReading> => {
    counts.reads++
    let last: unknown
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (closed) throw new HardwareClosedError(name)
      try {
        const reading = await readOnce()
        counts.ok++
        return reading
      } catch (error) {
        if (closed) throw new HardwareClosedError(name)
        last = error
        const reason = error instanceof MeterReadError ? error.reason : classify(error)
        if (reason === 'crc') counts.crcErrors++
        else if (reason === 'timeout') counts.timeouts++
        else counts.malformed++
      }
    }
    if (last instanceof MeterReadError) throw last
    const message = last instanceof Error ? last.message : String(last)
    throw new MeterReadError(classify(last), {
      cause: last,
      details: `${name}: ${attempts} requests, last: ${message}`,
    })
  }

  return {
    profile,
    read() {
      if (closed) return Promise.reject(new HardwareClosedError(name))
      // One transaction at a time on the bus.
      const result = queue.then(read, read)
      queue = result.catch(() => {})
      return result
    },
    stats: () => ({ ...counts }),
    async close() {
      if (closed) return
      closed = true
      await new Promise<void>((resolve) => (port.isOpen ? client.close(() => resolve()) : resolve()))
    },
  }
}
