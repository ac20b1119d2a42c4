import type { MeterValueInput } from '@chargechain/db'
import type { MeterValue, SampledValue } from '../messages.js'
import { CallError } from '../rpc.js'

// The schema checks shapes, not ranges: a number a column cannot hold, or a value that is not a number, is a
// PropertyConstraintViolation here, before anything is written.

/** Connector numbers a charger may use (0 is the charger as a whole). */
export const maxConnectorId = 100
const maxPowerW = 2_147_483_647
const decimal = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/
const energyRegister = 'Energy.Active.Import.Register'

function violation(message: string): CallError {
  return new CallError('PropertyConstraintViolation', message)
}

export function connectorOf(connectorId: number, allowWhole: boolean): number {
  if (
    !Number.isSafeInteger(connectorId) ||
    connectorId < (allowWhole ? 0 : 1) ||
    connectorId > maxConnectorId
  )
    throw violation(`connectorId must be ${allowWhole ? 0 : 1}–${maxConnectorId}; got ${connectorId}.`)
  return connectorId
}

/** A meter register reading in Wh: a whole number a bigint column and a JavaScript number both hold. */
export function energyOf(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw violation(
      `${field} must be a whole number of Wh from 0 to ${Number.MAX_SAFE_INTEGER}; got ${value}.`,
    )
  return value
}

export function timeOf(timestamp: string | undefined, now: Date): Date {
  if (timestamp === undefined) return now
  const at = new Date(timestamp)
  if (Number.isNaN(at.getTime())) throw violation(`timestamp ${JSON.stringify(timestamp)} is not a time.`)
  return at
}

function numberOf(sample: SampledValue): number {
  if (!decimal.test(sample.value))
    throw violation(`sampledValue ${JSON.stringify(sample.value.slice(0, 40))} is not a number.`)
  const value = Number(sample.value)
  if (!Number.isFinite(value)) throw violation(`sampledValue ${sample.value.slice(0, 40)} is out of range.`)
  return value
}

/** The sample of `measurand` to store: the one without a phase if there is one (a total), else the first. */
function pick(samples: readonly SampledValue[], measurand: string): SampledValue | undefined {
  const matching = samples.filter(
    (sample) => (sample.measurand ?? energyRegister) === measurand && sample.format !== 'SignedData',
  )
  return matching.find((sample) => sample.phase === undefined) ?? matching[0]
}

function scaled(sample: SampledValue, base: string, kilo: string): number {
  const unit = sample.unit ?? base
  if (unit !== base && unit !== kilo) throw violation(`unit ${unit} is not ${base} or ${kilo}.`)
  return numberOf(sample) * (unit === kilo ? 1000 : 1)
}

/**
 * The readings a MeterValues (or a StopTransaction's transactionData) carries, one per meterValue that holds the
 * energy register (Energy.Active.Import.Register, Wh or kWh), with power, voltage and current beside it when given.
 * A meterValue without the register (power alone, signed data) is not stored: the time series is of the register.
 */
export function readingsOf(
  pileId: number,
  connector: number,
  orderId: number | null,
  meterValues: readonly MeterValue[],
  now: Date,
): MeterValueInput[] {
  const readings: MeterValueInput[] = []
  for (const meterValue of meterValues) {
    const energy = pick(meterValue.sampledValue, energyRegister)
    if (energy === undefined) continue
    const energyWh = energyOf(Math.round(scaled(energy, 'Wh', 'kWh')), 'the energy register')
    const power = pick(meterValue.sampledValue, 'Power.Active.Import')
    const powerW = power === undefined ? null : Math.round(scaled(power, 'W', 'kW'))
    if (powerW !== null && (powerW < 0 || powerW > maxPowerW))
      throw violation(`Power.Active.Import must be 0–${maxPowerW} W; got ${powerW}.`)
    const voltage = pick(meterValue.sampledValue, 'Voltage')
    const current = pick(meterValue.sampledValue, 'Current.Import')
    readings.push({
      pileId,
      connector,
      orderId,
      measuredAt: timeOf(meterValue.timestamp, now),
      energyWh,
      powerW,
      voltageV: voltage === undefined ? null : numberOf(voltage),
      currentA: current === undefined ? null : numberOf(current),
    })
  }
  return readings
}
