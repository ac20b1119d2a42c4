export { type Clock, createRealClock, sleepOn, type Timer } from './clock.js'
export {
  HardwareClosedError,
  InvalidHardwareOptionError,
  MeterReadError,
  type MeterReadFailure,
  SimulationStateError,
} from './errors.js'
export {
  type ArrivalSensor,
  createDebouncedInput,
  type DebouncedInput,
  type DebouncedInputOptions,
  type DigitalInput,
  type Edge,
  type EdgeListener,
  type GunButtons,
  type GunSensor,
  gunSensorFromButtons,
  type LinkStatus,
} from './inputs.js'
export { type IndicatorLights, type IndicatorState, indicatorStates } from './lights.js'
export type { EnergyMeter, MeterReading, VehicleEnergyMeter, VehicleReading } from './meter.js'
export type { BinaryOutput, PowerSwitch, Relay } from './outputs.js'
export * from './remote/index.js'
export {
  type CarHardware,
  type ChargingSimulation,
  type ChargingSimulationOptions,
  createChargingSimulation,
  type PileHardware,
  type WorldState,
} from './simulated/charging.js'
export {
  type BatterySpec,
  batteryPowerW,
  type ChargerKind,
  type ChargerSpec,
  chargers,
  packVoltage,
  pileTerminals,
} from './simulated/chargingCurve.js'
export { createSimulatedClock, type SimulatedClock, type SimulatedClockOptions } from './simulated/clock.js'
export { createSimulatedInput, type SimulatedInput, type SimulatedInputOptions } from './simulated/input.js'
export { createSimulatedLights, type ShownState, type SimulatedLights } from './simulated/lights.js'
export {
  createSimulatedEnergyMeter,
  createSimulatedVehicleMeter,
  type SimulatedEnergyMeter,
  type SimulatedMeterOptions,
  type SimulatedVehicleMeter,
  type TrueMeasurement,
} from './simulated/meter.js'
export {
  createSimulatedOutput,
  type OutputSwitch,
  type SimulatedOutput,
  type SimulatedOutputOptions,
} from './simulated/output.js'
