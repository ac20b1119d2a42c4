// Contract suites shared by every implementation (simulated here, real drivers in hardware-linux). They import vitest,
// which is why they live behind the `@chargechain/hardware/testing` entry and not the main one.
export { type ClockHarness, describeClockContract } from './clockContract.js'
export { describeDigitalInputContract, type InputHarness } from './inputContract.js'
export { describeIndicatorLightsContract } from './lightsContract.js'
export {
  describeEnergyMeterContract,
  describeVehicleEnergyMeterContract,
  type MeterHarness,
} from './meterContract.js'
export { describePowerSwitchContract, describeRelayContract, type OutputHarness } from './outputContract.js'
