export { createVehicleAgent } from './agent.js'
export { type VehicleConfig, type VehicleConfigInput, vehicleConfigSchema } from './config.js'
export { VehicleAgentBusyError, VehicleAgentOptionError } from './errors.js'
export { vehicleJournal } from './journal.js'
export { type VehicleMachine, vehicleMachine } from './machine.js'
export type {
  AcceptedTerms,
  ChannelSession,
  ChargeSession,
  EscrowSession,
  FreeSession,
  GreetedSession,
  OfferedSession,
  OpeningSession,
  PaidSession,
  PaymentKind,
  VehicleSession,
  VehicleVoucher,
} from './session.js'
export type {
  CreateVehicleAgentOptions,
  VehicleAgent,
  VehicleAgentEvents,
  VehicleAgentHardware,
  VehicleData,
  VehicleLink,
  VehicleSessionFinished,
  VehicleSnapshot,
  VehicleState,
  VehicleStatus,
} from './types.js'
