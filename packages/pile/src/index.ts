export { createPileAgent } from './agent.js'
export { type ChannelOperatorClient, chainChannelSettler } from './channelLedger/chainSettler.js'
export { openFileChannelLedger } from './channelLedger/file.js'
export { type ChannelLedgerOptions, createMemoryChannelLedger } from './channelLedger/memory.js'
export type {
  ChannelEntry,
  ChannelLedger,
  ChannelSettlePolicy,
  ChannelSettler,
  ChannelVoucherRecord,
} from './channelLedger/types.js'
export { amountSchema, type PileConfig, type PileConfigInput, pileConfigSchema } from './config.js'
export {
  ChannelLedgerError,
  ChannelLedgerUnavailableError,
  MeterUnavailableError,
  PileAgentBusyError,
  PileAgentOptionError,
  StaleChannelVoucherError,
} from './errors.js'
export { pileJournal } from './journal.js'
export { type PileMachine, pileMachine } from './machine.js'
export type {
  ArrivedSession,
  ChannelSession,
  ChargeSession,
  EscrowRecord,
  EscrowSession,
  FreeSession,
  Offer,
  OfferedSession,
  PaidSession,
  PileSession,
  PileVoucher,
  SessionKind,
} from './session.js'
export type {
  CreatePileAgentOptions,
  PileAgent,
  PileAgentEvents,
  PileAgentHardware,
  PileData,
  PileLink,
  PileSnapshot,
  PileState,
  PileStatus,
  SessionFinished,
} from './types.js'
