/** One reading of an energy meter. */
export interface MeterReading {
  /** Cumulative energy register in Wh. Never decreases between two readings of the same meter. */
  readonly energyWh: number
  readonly voltageV: number
  readonly currentA: number
  /** Active power in W; about `voltageV × currentA` on a DC or unity-power-factor line. */
  readonly powerW: number
  /** Clock time (epoch ms) of the measurement. */
  readonly at: number
}

/**
 * The pile's meter (a DDSD1352 over Modbus RTU, or the STM32 that relays it).
 *
 * - `read()` performs one fresh measurement; it rejects with a retryable `MeterReadError` on a timeout, a bad CRC, no
 *   reply or a malformed reply, and the next call may succeed: callers retry with their own policy.
 * - A read pending when `close()` is called rejects with `HardwareClosedError`; so does every later call.
 */
export interface EnergyMeter {
  read(): Promise<MeterReading>
  close(): Promise<void>
}

export interface VehicleReading extends MeterReading {
  /** Battery state of charge, 0…1. */
  readonly stateOfCharge: number
}

/**
 * The car's own measurement of the energy its battery received (OBD over CAN in the field). Same contract as
 * `EnergyMeter`; the two meters disagree by the charger's losses and their errors, which is what the payment's
 * tolerance check is for.
 */
export interface VehicleEnergyMeter {
  read(): Promise<VehicleReading>
  close(): Promise<void>
}
