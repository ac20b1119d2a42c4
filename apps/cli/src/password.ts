import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
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

async function askHidden(prompt: string): Promise<string> {
  let muted = false
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stderr.write(chunk)
      callback()
    },
  })
  const reader = createInterface({ input: process.stdin, output, terminal: true })
  try {
    process.stderr.write(prompt)
    muted = true
    const answer = await new Promise<string>((resolve) => reader.question('', resolve))
    process.stderr.write('\n')
    return answer
  } finally {
    reader.close()
  }
}
