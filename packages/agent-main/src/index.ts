export {
  type AgentConfigFiles,
  type LoadAgentConfigOptions,
  type LoadedAgentConfig,
  loadAgentConfig,
} from './agentConfig.js'
export {
  type ConnectedRemoteHardware,
  connectRemoteHardware,
  remoteDriverSchema,
  serialLinkSchema,
} from './drivers.js'
export { HardwareDriverUnavailableError } from './errors.js'
export { registerKeygenCommand } from './keygen.js'
export { type ErrorClass, isConfigurationProblem } from './problems.js'
export { type AgentMainContext, type AgentMainOptions, runAgentMain } from './runAgentMain.js'
export { startSystemdWatchdog } from './systemdWatchdog.js'
export {
  createToolProgram,
  isToolCommand,
  nonNegativeNumber,
  readHardwareSection,
  type ToolProgram,
} from './tools.js'
