export { createVehicleAgent } from './agent.js'
export { type VehicleConfig, type VehicleConfigInput, vehicleConfigSchema } from './config.js'
export { VehicleAgentBusyError, VehicleAgentOptionError } from './errors.js'
export { vehicleJournal } from './journal.js'
export { type VehicleMachine, vehicleMachine } from './machine.js'
export type {
  AcceptedTerms,
  CreateVehicleAgentOptions,
  PaymentKind,
  VehicleAgent,
  VehicleAgentEvents,
  VehicleAgentHardware,
  VehicleData,
  VehicleLink,
  VehicleSession,
  VehicleSessionFinished,
  VehicleSnapshot,
  VehicleState,
  VehicleStatus,
  VehicleVoucher,
} from './types.js'
