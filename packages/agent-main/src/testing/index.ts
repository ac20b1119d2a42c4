export { type MainResult, placeholderDeployment, runMain, writeConfigFile } from './mainProcess.js'
