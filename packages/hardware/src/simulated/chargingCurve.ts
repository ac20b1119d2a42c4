import { InvalidHardwareOptionError } from '../errors.js'

export type ChargerKind = 'ac' | 'dc'

export interface ChargerSpec {
  kind: ChargerKind
  /** Power drawn from the grid at full output, in W. */
  ratedPowerW: number
  /** Share of the grid energy lost between the pile's meter and the battery (charger, cable, battery heat). */
  lossFraction: number
}

/** A single-phase 32 A wallbox and a small DC fast charger: the two pile categories the operators list. */
export const chargers = {
  ac7kW: { kind: 'ac', ratedPowerW: 7_000, lossFraction: 0.08 },
  dc60kW: { kind: 'dc', ratedPowerW: 60_000, lossFraction: 0.05 },
} as const satisfies Record<string, ChargerSpec>

export interface BatterySpec {
  capacityWh: number
  /** Above this state of charge the battery management system tapers the power (constant-voltage phase). */
  taperFromSoc: number
}

/** Below this share of rated power the charger stops holding the taper and finishes the last percent at it. */
const MIN_TAPER_SHARE = 0.02
const GRID_VOLTAGE = 230
/** Source impedance of a typical residential feed: the line sags a few volts at 32 A. */
const GRID_IMPEDANCE_OHM = 0.08
const PACK_EMPTY_V = 320
const PACK_FULL_V = 400

/** Power reaching the battery at a state of charge: flat until `taperFromSoc`, then falling linearly to zero at full. */
export function batteryPowerW(charger: ChargerSpec, battery: BatterySpec, stateOfCharge: number): number {
  if (stateOfCharge >= 1) return 0
  const fullW = charger.ratedPowerW * (1 - charger.lossFraction)
  if (stateOfCharge < battery.taperFromSoc) return fullW
  const share = (1 - stateOfCharge) / (1 - battery.taperFromSoc)
  return fullW * Math.max(share, MIN_TAPER_SHARE)
}

/** Pack voltage of a 96-cell NMC battery, near linear in the usable range. */
export function packVoltage(stateOfCharge: number): number {
  return PACK_EMPTY_V + (PACK_FULL_V - PACK_EMPTY_V) * Math.min(1, Math.max(0, stateOfCharge))
}

/** What the pile's meter sees for a given grid power: the AC line for an AC pile, the DC output for a DC one. */
export function pileTerminals(
  charger: ChargerSpec,
  gridPowerW: number,
  stateOfCharge: number,
): { voltageV: number; currentA: number } {
  if (charger.kind === 'dc') {
    const voltageV = packVoltage(stateOfCharge)
    return { voltageV, currentA: gridPowerW / voltageV }
  }
  // Solve V = V0 − R·I with P = V·I for the physical (higher-voltage) root.
  const voltageV = (GRID_VOLTAGE + Math.sqrt(GRID_VOLTAGE ** 2 - 4 * GRID_IMPEDANCE_OHM * gridPowerW)) / 2
  return { voltageV, currentA: gridPowerW / voltageV }
}

export function checkSpecs(charger: ChargerSpec, battery: BatterySpec): void {
  if (!(charger.ratedPowerW > 0 && charger.ratedPowerW <= 400_000)) {
    throw new InvalidHardwareOptionError(
      'charger.ratedPowerW',
      'a power in W between 1 and 400000',
      charger.ratedPowerW,
    )
  }
  if (!(charger.lossFraction >= 0 && charger.lossFraction < 0.5)) {
    throw new InvalidHardwareOptionError(
      'charger.lossFraction',
      'a fraction in [0, 0.5)',
      charger.lossFraction,
    )
  }
  if (charger.kind === 'ac' && charger.ratedPowerW > 22_000) {
    throw new InvalidHardwareOptionError(
      'charger.ratedPowerW',
      'at most 22000 W for an AC pile',
      charger.ratedPowerW,
    )
  }
  if (!(battery.capacityWh > 0)) {
    throw new InvalidHardwareOptionError(
      'battery.capacityWh',
      'a positive capacity in Wh',
      battery.capacityWh,
    )
  }
  if (!(battery.taperFromSoc > 0 && battery.taperFromSoc < 1)) {
    throw new InvalidHardwareOptionError('battery.taperFromSoc', 'a fraction in (0, 1)', battery.taperFromSoc)
  }
}
