import { readFile } from 'node:fs/promises'
import type { BaseError, BaseErrorOptions } from '@chargechain/errors'

/** Where a config file says a secret is: a file (a systemd credential), which wins, or an environment variable. */
export interface SecretSource {
  file?: string | undefined
  variable: string
}

export interface ReadSecretOptions {
  /** What the secret is, to finish the messages: `the password of keystore /etc/chargechain/agent.json`. */
  purpose: string
  /** The caller's configuration error, thrown when the secret cannot be had. */
  error: new (
    shortMessage: string,
    options?: BaseErrorOptions,
  ) => BaseError
  env?: NodeJS.ProcessEnv
}

/**
 * Reads a secret as every ChargeChain config names one (never in the config itself): the whole of `file` but one
 * trailing newline (`LoadCredential=` puts such files in /run/credentials/<unit>/), or else the variable, which must
 * be set and not empty.
 */
export async function readSecret(source: SecretSource, options: ReadSecretOptions): Promise<string> {
  const { purpose, error: ConfigurationError, env = process.env } = options
  if (source.file !== undefined) {
    const text = await readFile(source.file, 'utf8').catch((cause: unknown) => {
      throw new ConfigurationError(
        `Cannot read ${source.file}, the file holding ${purpose}; check it exists and the agent may read it.`,
        { cause },
      )
    })
    return text.replace(/\r?\n$/, '')
  }
  const value = env[source.variable]
  if (value === undefined || value === '')
    throw new ConfigurationError(`Environment variable ${source.variable} is not set; set it to ${purpose}.`)
  return value
}
