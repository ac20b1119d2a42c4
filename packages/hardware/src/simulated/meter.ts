import type { Clock } from '../clock.js'
import {
  HardwareClosedError,
  InvalidHardwareOptionError,
  MeterReadError,
  type MeterReadFailure,
} from '../errors.js'
import type { EnergyMeter, MeterReading, VehicleEnergyMeter, VehicleReading } from '../meter.js'

/** What is physically true at the meter's terminals right now. */
export interface TrueMeasurement {
  /** Energy that really passed the meter since the simulation began, in Wh. */
  energyWh: number
  voltageV: number
  currentA: number
  powerW: number
}

export interface SimulatedMeterOptions<Source extends TrueMeasurement> {
  clock: Clock
  /** Asked on every read for the physical truth; the meter adds its own register offset, resolution and faults. */
  measure: () => Source
  /** Register value before any energy flowed, in Wh. A meter taken from stock rarely reads zero. Default 0. */
  startWh?: number
  /** Register resolution in Wh; a DDSD1352 counts 0.01 kWh = 10 Wh. Default 1. */
  resolutionWh?: number
  name?: string
}

interface SimulatedMeterControls {
  /** Makes the next `count` reads fail with `MeterReadError(reason)`; reads after that succeed again. */
  failNext(count: number, reason?: MeterReadFailure): void
  /**
   * From now on the register counts `1 + fraction` Wh per true Wh (a meter out of calibration). `0` is exact;
   * must stay above -1 so the register still only moves forward.
   */
  setDrift(fraction: number): void
  /** How many reads were attempted, failed ones included. */
  readonly reads: number
}

export interface SimulatedEnergyMeter extends EnergyMeter, SimulatedMeterControls {}
export interface SimulatedVehicleMeter extends VehicleEnergyMeter, SimulatedMeterControls {}

function createMeter<Source extends TrueMeasurement>(options: SimulatedMeterOptions<Source>) {
  const { clock, measure, startWh = 0, resolutionWh = 1, name = 'energy meter' } = options
  if (!(Number.isFinite(resolutionWh) && resolutionWh > 0)) {
    throw new InvalidHardwareOptionError(`${name} resolutionWh`, 'a positive number of Wh', resolutionWh)
  }
  let failures: { remaining: number; reason: MeterReadFailure } = { remaining: 0, reason: 'timeout' }
  let drift = 0
  let countedWh = 0
  let lastTrueWh = measure().energyWh
  let closed = false
  let reads = 0

  const read = async (): Promise<Source & MeterReading> => {
    if (closed) throw new HardwareClosedError(name)
    reads++
    if (failures.remaining > 0) {
      failures = { ...failures, remaining: failures.remaining - 1 }
      throw new MeterReadError(failures.reason, { details: `${name}: simulated fault` })
    }
    const truth = measure()
    countedWh += (truth.energyWh - lastTrueWh) * (1 + drift)
    lastTrueWh = truth.energyWh
    const registerWh = Math.floor((startWh + countedWh) / resolutionWh + 1e-9) * resolutionWh
    return { ...truth, energyWh: registerWh, at: clock.now() }
  }

  return {
    read,
    async close() {
      closed = true
    },
    failNext(count: number, reason: MeterReadFailure = 'timeout') {
      if (!(Number.isInteger(count) && count >= 0)) {
        throw new InvalidHardwareOptionError('failNext count', 'a whole number ≥ 0', count)
      }
      failures = { remaining: count, reason }
    },
    setDrift(fraction: number) {
      if (!(Number.isFinite(fraction) && fraction > -1)) {
        throw new InvalidHardwareOptionError(
          'meter drift',
          'a fraction above -1 (0.02 = reads 2 % high)',
          fraction,
        )
      }
      drift = fraction
    },
    get reads() {
      return reads
    },
  }
}

/** A simulated pile meter: a register with offset and resolution over a physical truth, with injectable faults. */
export function createSimulatedEnergyMeter(
  options: SimulatedMeterOptions<TrueMeasurement>,
): SimulatedEnergyMeter {
  const meter = createMeter(options)
  const readFull = meter.read
  return Object.assign(meter, {
    read: async (): Promise<MeterReading> => {
      const { energyWh, voltageV, currentA, powerW, at } = await readFull()
      return { energyWh, voltageV, currentA, powerW, at }
    },
  })
}

/** A simulated car-side meter (the OBD reading), adding the battery's state of charge. */
export function createSimulatedVehicleMeter(
  options: SimulatedMeterOptions<TrueMeasurement & { stateOfCharge: number }>,
): SimulatedVehicleMeter {
  const meter = createMeter(options)
  const readFull = meter.read
  return Object.assign(meter, {
    read: async (): Promise<VehicleReading> => {
      const { energyWh, voltageV, currentA, powerW, stateOfCharge, at } = await readFull()
      return { energyWh, voltageV, currentA, powerW, stateOfCharge, at }
    },
  })
}
