import jsmodbus from 'jsmodbus'
import { SerialPort } from 'serialport'
import { builtInProfiles } from '../meter/profiles.js'
import { closeSerialPort } from '../serial/openPort.js'

/** What the fake meter does with its next replies. */
export type ReplyFault = 'crc' | 'truncate' | 'silent'

function flipOneBit(reply: Buffer): Buffer {
  const damaged = Buffer.from(reply)
  damaged[3] = (damaged[3] ?? 0) ^ 0x40
  return damaged
}

/** A serial port whose outgoing bytes the test can damage: the wire between the meter and the Pi. */
class FaultyLine extends SerialPort {
  faults: ReplyFault[] = []
  silent = false
  replies = 0

  override _write(data: Buffer, encoding: BufferEncoding, callback: (error: Error | null) => void): void {
    this.replies++
    const fault = this.silent ? 'silent' : this.faults.shift()
    if (fault === 'silent') callback(null)
    else if (fault === 'truncate')
      super._write(data.subarray(0, Math.ceil(data.length / 2)), encoding, callback)
    else if (fault === 'crc') super._write(flipOneBit(data), encoding, callback)
    else super._write(data, encoding, callback)
  }
}

export interface FakeModbusMeterOptions {
  /** The far end of a pty pair. */
  path: string
  profile: 'ddsd1352' | 'sdm120' | 'sdm630'
  energyKWh?: number
  voltageV?: number
  currentA?: number
}

/**
 * A Modbus RTU slave built on jsmodbus (another library than the driver's modbus-serial), holding the registers of a
 * DDSD1352, SDM120 or SDM630 as their manuals lay them out. Its replies can be corrupted, cut short or withheld.
 */
export interface FakeModbusMeter {
  /** Adds energy to the register, as current flowing would. */
  addEnergy(kWh: number): void
  set(values: { voltageV?: number; currentA?: number }): void
  /** The next replies, one fault each, in order. */
  injectFaults(...faults: ReplyFault[]): void
  /** Withholds every reply until `answer()`. */
  silence(): void
  answer(): void
  /** Requests answered or withheld so far. */
  readonly requests: number
  readonly energyKWh: number
  close(): Promise<void>
}

export async function startFakeModbusMeter(options: FakeModbusMeterOptions): Promise<FakeModbusMeter> {
  const profile = builtInProfiles[options.profile]
  const line = new FaultyLine({ path: options.path, baudRate: profile.baudRate ?? 9_600, autoOpen: false })
  await new Promise<void>((resolve, reject) => line.open((error) => (error ? reject(error) : resolve())))
  const holding = Buffer.alloc(2 * 64)
  const input = Buffer.alloc(2 * 0x200)
  new jsmodbus.server.RTU(line, { holding, input })

  let energyKWh = options.energyKWh ?? 1234.56
  let voltageV = options.voltageV ?? 230
  let currentA = options.currentA ?? 0

  const store = () => {
    if (options.profile === 'ddsd1352') {
      holding.writeUInt32BE(Math.round(energyKWh * 100), 0)
      holding.writeUInt16BE(Math.round(voltageV * 10), 11 * 2)
      return
    }
    const float = (address: number, value: number) => input.writeFloatBE(value, address * 2)
    const [voltage, current, power] = options.profile === 'sdm120' ? [0x00, 0x06, 0x0c] : [0x2a, 0x30, 0x34]
    float(voltage, voltageV)
    float(current, currentA)
    float(power, voltageV * currentA)
    float(0x156, energyKWh)
  }
  store()

  return {
    addEnergy(kWh) {
      energyKWh += kWh
      store()
    },
    set(values) {
      voltageV = values.voltageV ?? voltageV
      currentA = values.currentA ?? currentA
      store()
    },
    injectFaults: (...faults) => line.faults.push(...faults),
    silence() {
      line.silent = true
    },
    answer() {
      line.silent = false
    },
    get requests() {
      return line.replies
    },
    get energyKWh() {
      return energyKWh
    },
    close: () => closeSerialPort(line),
  }
}
