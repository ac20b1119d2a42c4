import { read } from 'read'
import { UsageError } from '../errors.js'

/** Reads a password typed at the terminal without echo, twice; undefined without a terminal to ask. */
export async function promptNewPassword(): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined
  const password = await askHidden('New password (empty: generate one): ')
  if (password === '') return undefined
  if ((await askHidden('Repeat password: ')) !== password)
    throw new UsageError('The two passwords differ; run the command again.')
  return password
}

/** On stderr, so that stdout keeps only the command's answer; the muted Enter leaves the line to end here. */
async function askHidden(prompt: string): Promise<string> {
  const answer = await read({ prompt, silent: true, output: process.stderr, terminal: true })
  process.stderr.write('\n')
  return answer
}
