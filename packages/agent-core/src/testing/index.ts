export {
  type AgentExit,
  type AgentProcess,
  killAgentAtState,
  type LogLine,
  type SpawnAgentOptions,
  spawnAgent,
} from './agentProcess.js'
