export {
  type AgentExit,
  type AgentProcess,
  killAgentAtState,
  type LogLine,
  type SpawnAgentOptions,
  spawnAgent,
} from './agentProcess.js'
export { type MainResult, placeholderDeployment, runMain, writeConfigFile } from './mainProcess.js'
