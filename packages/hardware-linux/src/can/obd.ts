import {
  type Clock,
  HardwareClosedError,
  MeterReadError,
  type VehicleEnergyMeter,
  type VehicleReading,
} from '@chargechain/hardware'
import { z } from 'zod'
import { PowerFromEnergy } from '../meter/powerFromEnergy.js'
import type { CanBus } from './bus.js'
import { IsoTpError, ObdNegativeResponseError } from './errors.js'
import { isoTpRequest } from './isotp.js'

/**
 * One value the car reports over OBD: the request, and where the value sits in the answer. The value is the
 * `length`-byte big-endian number at `offset` (counted after the service and PID echo), then `× scale + add`.
 */
/** A number, or the same as a hex string (`"0x7E4"`), as PID lists write them. */
const hexNumber = (max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^0x[0-9a-fA-F]+$/, 'a number or a hex string such as "0x7E4"')
        .transform((text) => Number.parseInt(text, 16)),
    ])
    .pipe(z.number().int().min(0).max(max))

export const obdQuantitySchema = z.strictObject({
  /** 0x01: the standard current-data service; 0x22: read a manufacturer data identifier. */
  service: hexNumber(0xff)
    .refine((service) => service === 0x01 || service === 0x22, 'service 0x01 or 0x22')
    .default(0x01),
  /** The PID (service 0x01, one byte) or data identifier (service 0x22, two bytes). */
  pid: hexNumber(0xffff),
  requestId: hexNumber(0x7ff).default(0x7df),
  responseId: hexNumber(0x7ff).default(0x7e8),
  offset: z.number().int().min(0).max(4_000).default(0),
  length: z.number().int().min(1).max(4).default(1),
  signed: z.boolean().default(false),
  scale: z.number().finite().default(1),
  add: z.number().finite().default(0),
})

export type ObdQuantity = z.output<typeof obdQuantitySchema>

/**
 * Where the car's values are. State of charge (as a fraction 0–1 after scaling) and battery voltage are required;
 * battery energy is the car's cumulative charged-energy counter in Wh where it has one, else state of charge ×
 * `capacityWh`. Current and power default to what the others imply.
 */
export const obdMapSchema = z
  .strictObject({
    stateOfCharge: obdQuantitySchema,
    voltageV: obdQuantitySchema,
    energyWh: obdQuantitySchema.optional(),
    currentA: obdQuantitySchema.optional(),
    powerW: obdQuantitySchema.optional(),
    capacityWh: z.number().positive().optional(),
  })
  .refine((map) => map.energyWh !== undefined || map.capacityWh !== undefined, {
    message: 'give either an energyWh PID or the battery capacityWh',
  })

export type ObdMap = z.output<typeof obdMapSchema>
export type ObdMapInput = z.input<typeof obdMapSchema>

/** The request bytes for a quantity: `01 PID` or `22 DID-high DID-low`. */
export const obdRequest = (quantity: ObdQuantity) =>
  quantity.service === 0x01
    ? Uint8Array.of(0x01, quantity.pid & 0xff)
    : Uint8Array.of(0x22, quantity.pid >> 8, quantity.pid & 0xff)

/** Reads one quantity: sends the request and decodes the positive answer (a `78` "response pending" is waited out). */
export async function readObdQuantity(
  bus: CanBus,
  quantity: ObdQuantity,
  timeoutMs: number,
): Promise<number> {
  const request = obdRequest(quantity)
  for (let pendingAnswers = 0; ; pendingAnswers++) {
    const answer = await isoTpRequest(bus, { ...quantity, payload: request, timeoutMs })
    if (answer[0] === 0x7f) {
      if (answer[2] === 0x78 && pendingAnswers < 5) continue
      throw new ObdNegativeResponseError(quantity.service, quantity.pid, answer[2] ?? 0)
    }
    const echo = request.length - 1
    const positive =
      answer[0] === quantity.service + 0x40 && request.slice(1).every((byte, i) => answer[1 + i] === byte)
    const start = 1 + echo + quantity.offset
    if (!positive || answer.length < start + quantity.length)
      throw new IsoTpError(
        'malformed',
        `The answer to OBD PID 0x${quantity.pid.toString(16)} has the wrong shape.`,
      )
    let raw = 0
    for (let i = 0; i < quantity.length; i++) raw = raw * 256 + (answer[start + i] ?? 0)
    const bits = 8 * quantity.length
    if (quantity.signed && raw >= 2 ** (bits - 1)) raw -= 2 ** bits
    // Rounded to nine decimals: a scale like 0.1 leaves binary noise (356.40000000000003) that would travel on.
    return Math.round((raw * quantity.scale + quantity.add) * 1e9) / 1e9
  }
}

export interface ObdMeterOptions {
  bus: CanBus
  map: ObdMap
  clock: Clock
  /** How long each request waits for its answer. Default 500 ms. */
  timeoutMs?: number
}

export interface ObdMeterStats {
  readonly reads: number
  readonly ok: number
  readonly failed: number
}

export interface ObdVehicleMeter extends VehicleEnergyMeter {
  stats(): ObdMeterStats
}

/**
 * The car's own meter from its OBD port. A read that gets no answer, a garbled one or a refusal rejects with a
 * retryable `MeterReadError`; energy and state of charge are held so they never go backwards between reads.
 */
export function createObdVehicleMeter(options: ObdMeterOptions): ObdVehicleMeter {
  const { bus, map, clock, timeoutMs = 500 } = options
  const power = new PowerFromEnergy()
  const counts = { reads: 0, ok: 0, failed: 0 }
  let last: { energyWh: number; stateOfCharge: number } | undefined
  let closed = false
  let queue: Promise<unknown> = Promise.resolve()

  const read = async (): Promise<VehicleReading> => {
    counts.reads++
    try {
      const value = (quantity: ObdQuantity) => readObdQuantity(bus, quantity, timeoutMs)
      const soc = Math.min(1, Math.max(0, await value(map.stateOfCharge)))
      const voltageV = await value(map.voltageV)
      const energy = map.energyWh ? await value(map.energyWh) : soc * (map.capacityWh ?? 0)
      const at = clock.now()
      const stateOfCharge = Math.max(soc, last?.stateOfCharge ?? 0)
      const energyWh = Math.max(Math.round(energy * 1000) / 1000, last?.energyWh ?? 0)
      last = { energyWh, stateOfCharge }
      power.update(energyWh, at)
      const powerW = map.powerW ? Math.abs(await value(map.powerW)) : undefined
      const currentA = map.currentA ? Math.abs(await value(map.currentA)) : undefined
      const watts = powerW ?? (currentA !== undefined ? currentA * voltageV : power.powerW(at))
      const amps = currentA ?? (voltageV > 0 ? watts / voltageV : 0)
      counts.ok++
      return { energyWh, voltageV, currentA: amps, powerW: watts, stateOfCharge, at }
    } catch (error) {
      counts.failed++
      if (closed) throw new HardwareClosedError(`OBD meter on ${bus.name}`)
      const reason =
        error instanceof IsoTpError ? (error.reason === 'timeout' ? 'timeout' : 'malformed') : 'no-reply'
      throw new MeterReadError(reason, { cause: error, details: `OBD on ${bus.name}` })
    }
  }

  return {
    read() {
      if (closed) return Promise.reject(new HardwareClosedError(`OBD meter on ${bus.name}`))
      const result = queue.then(read, read)
      queue = result.catch(() => {})
      return result
    },
    stats: () => ({ ...counts }),
    async close() {
      closed = true
    },
  }
}
