import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
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
