import type { MeterValue, SampledValue } from '../messages.js'

/** One meter reading as the pile takes it: the energy register, and what else the meter gives. */
export interface Reading {
  at: Date
  /** The energy register (Energy.Active.Import.Register), Wh. */
  energyWh: number
  powerW?: number
  voltageV?: number
  currentA?: number
}

/** A reading as an OCPP 1.6 meterValue. */
export function meterValueOf(reading: Reading): MeterValue {
  const sampledValue: SampledValue[] = [
    { value: String(reading.energyWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
  ]
  if (reading.powerW !== undefined)
    sampledValue.push({ value: String(reading.powerW), measurand: 'Power.Active.Import', unit: 'W' })
  if (reading.voltageV !== undefined)
    sampledValue.push({ value: String(reading.voltageV), measurand: 'Voltage', unit: 'V' })
  if (reading.currentA !== undefined)
    sampledValue.push({ value: String(reading.currentA), measurand: 'Current.Import', unit: 'A' })
  return { timestamp: reading.at.toISOString(), sampledValue }
}
