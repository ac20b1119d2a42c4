export { loadConfig, parseConfig, toConfigIssues } from './config.js'
export {
  AgentProcessError,
  ConfigError,
  type ConfigIssue,
  InvalidTransitionError,
  JournalClosedError,
  JournalCorruptError,
  JournalIoError,
  type JournalRecordVersion,
  JournalVersionError,
  MachineDefinitionError,
} from './errors.js'
export { type Journal, type JournalOptions, type JournalRecord, openJournal } from './journal.js'
export {
  type DefineJournalSchemaParameters,
  defineJournalSchema,
  type JournalSchema,
} from './journalSchema.js'
export { type CreateLoggerOptions, createLogger, type Logger, logConfigSchema } from './logger.js'
export {
  type AnyMachine,
  defineMachine,
  type EventFrom,
  type EventOf,
  type FinalStateOf,
  isFinalState,
  type Machine,
  type StateDefinition,
  type StateOf,
  type StatesTable,
  toMermaid,
} from './machine.js'
export {
  type EntryAction,
  type EntryActions,
  type RunMachineOptions,
  runMachine,
  type Snapshot,
  STATE_ENTERED,
  type StepContext,
  type StepResult,
} from './runner.js'
