import { ConfigError } from '@chargechain/agent-core'
import { BaseError } from '@chargechain/errors'

/** Errors a person fixes in the config, the key or the deployment file, not by restarting: the process exits 2. */
const configurationErrors = new Set([
  'ConfigError',
  'HardwareDriverUnavailableError',
  'KeyLoadError',
  'KeystoreNotFoundError',
  'KeystoreMalformedError',
  'WrongPasswordError',
  'EmptyPasswordError',
  'InvalidPrivateKeyError',
  'DeploymentNotFoundError',
  'InvalidDeploymentError',
  'PileAgentOptionError',
])

export function isConfigurationProblem(error: unknown): boolean {
  return error instanceof ConfigError || (error instanceof BaseError && configurationErrors.has(error.name))
}
