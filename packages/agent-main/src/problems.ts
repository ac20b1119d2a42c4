import { ConfigError, JournalVersionError } from '@chargechain/agent-core'
import {
  DeploymentNotFoundError,
  EmptyPasswordError,
  InvalidDeploymentError,
  InvalidPrivateKeyError,
  KeyLoadError,
  KeystoreMalformedError,
  KeystoreNotFoundError,
  WrongPasswordError,
} from '@chargechain/chain'
import type { BaseError } from '@chargechain/errors'
import { HardwareDriverUnavailableError } from './errors.js'

/** A class of errors, to recognise its instances by type. */
export type ErrorClass = abstract new (...args: never[]) => BaseError

/** Errors a person fixes in the config, the key or the deployment file, not by restarting: an agent's process exits 2. */
const sharedConfigurationErrors: readonly ErrorClass[] = [
  ConfigError,
  HardwareDriverUnavailableError,
  // A journal of another agent or version: a person moves it or runs the right agent; restarting cannot help.
  JournalVersionError,
  KeyLoadError,
  KeystoreNotFoundError,
  KeystoreMalformedError,
  WrongPasswordError,
  EmptyPasswordError,
  InvalidPrivateKeyError,
  DeploymentNotFoundError,
  InvalidDeploymentError,
]

/** Whether `error` is a configuration problem: one of the shared ones, or of a class in `agentErrors`. */
export function isConfigurationProblem(error: unknown, agentErrors: readonly ErrorClass[] = []): boolean {
  return [...sharedConfigurationErrors, ...agentErrors].some((type) => error instanceof type)
}
