import { BaseError } from '@chargechain/errors'
import { ConfigError } from '../errors.js'

/**
 * Errors a person fixes in the config, the key or the deployment file, not by restarting: an agent's process exits 2.
 * By name, so agent-core need not depend on the packages that define them (chain's key and deployment errors).
 */
const sharedConfigurationErrors = [
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
] as const

/** Whether `error` is a configuration problem: one of the shared ones, or one named in `agentErrors`. */
export function isConfigurationProblem(error: unknown, agentErrors: readonly string[] = []): boolean {
  if (error instanceof ConfigError) return true
  if (!(error instanceof BaseError)) return false
  return (
    (sharedConfigurationErrors as readonly string[]).includes(error.name) || agentErrors.includes(error.name)
  )
}
