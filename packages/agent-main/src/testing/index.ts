export { type MainResult, placeholderDeployment, runMain, writeConfigFile } from './mainProcess.js'
export { type AgentMainSuiteOptions, describeAgentMain } from './mainSuite.js'
