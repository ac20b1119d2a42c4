// The keystore password typed at a real terminal (a pty made by script(1)): `chargechain key new` asks twice on the
// terminal, shows neither answer, and writes a keystore that opens with the typed password; two different answers are
// refused. Break tried: `silent: false` in password.ts's read — the password shows on the terminal and the test fails.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const launcher = fileURLToPath(new URL('../bin/chargechain.mjs', import.meta.url))
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'CHARGECHAIN_KEY_PASSWORD'),
)

/** Runs the CLI in a pty, typing each answer once its prompt shows; resolves with the exit code and the screen. */
function inTerminal(args: string[], answers: { prompt: string; typed: string }[]) {
  const command = [process.execPath, launcher, ...args].map((word) => `'${word}'`).join(' ')
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'inherit'] })
  let screen = ''
  let next = 0
  // Where the screen stood at the last answer: each prompt is looked for after it.
  let since = 0
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString()
    const answer = answers[next]
    if (answer && screen.includes(answer.prompt, since)) {
      next++
      since = screen.length
      child.stdin.write(`${answer.typed}\r`)
    }
  })
  return new Promise<{ code: number | null; screen: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, screen })),
  )
}

describe('the keystore password at a terminal', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chargechain-password-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('is asked twice without echo and opens the keystore it wrote', async () => {
    const keystore = join(dir, 'key.json')
    const typed = 'typed-at-the-terminal-7'
    const made = await inTerminal(
      ['key', 'new', keystore],
      [
        { prompt: 'Password for the new key:', typed },
        { prompt: 'Repeat password:', typed },
      ],
    )
    expect(made.code).toBe(0)
    expect(made.screen).not.toContain(typed)
    const address = /address +(0x[0-9a-fA-F]{40})/.exec(made.screen)?.[1]
    expect(address).toMatch(/^0x/)

    const opened = await inTerminal(
      ['--keystore', keystore, 'key', 'address'],
      [{ prompt: `Password for ${keystore}:`, typed }],
    )
    expect({ code: opened.code, typedShown: opened.screen.includes(typed) }).toEqual({
      code: 0,
      typedShown: false,
    })
    expect(opened.screen).toContain(address)
  }, 60_000)

  it('refuses two different answers', async () => {
    const refused = await inTerminal(
      ['key', 'new', join(dir, 'other.json')],
      [
        { prompt: 'Password for the new key:', typed: 'first-answer-1' },
        { prompt: 'Repeat password:', typed: 'second-answer-2' },
      ],
    )
    expect(refused.code).not.toBe(0)
    expect(refused.screen).toContain('The two passwords differ; run the command again.')
  }, 60_000)
})
