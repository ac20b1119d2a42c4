import { read } from 'read'
import { UsageError } from './errors.js'

export const passwordEnvVariable = 'CHARGECHAIN_KEY_PASSWORD'

/**
 * The keystore password from CHARGECHAIN_KEY_PASSWORD, else typed at the terminal without echo. Without a terminal
 * (a service, a pipe) there is nobody to ask, so that is a usage error rather than a hang.
 */
export async function readPassword(prompt: string, options: { confirm?: boolean } = {}): Promise<string> {
  const fromEnv = process.env[passwordEnvVariable]
  if (fromEnv !== undefined) return fromEnv
  if (!process.stdin.isTTY)
    throw new UsageError(`No keystore password: set ${passwordEnvVariable} or run in a terminal to type it.`)
  const password = await askHidden(prompt)
  if (options.confirm && (await askHidden('Repeat password: ')) !== password)
    throw new UsageError('The two passwords differ; run the command again.')
  return password
}

/** On stderr, so that stdout keeps only the command's answer; the muted Enter leaves the line to end here. */
async function askHidden(prompt: string): Promise<string> {
  const answer = await read({ prompt, silent: true, output: process.stderr, terminal: true })
  process.stderr.write('\n')
  return answer
}
