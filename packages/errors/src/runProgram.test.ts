// Guards the exit codes and messages both command lines (chargechain, chargechain-server) get from runProgram: a usage
// error class is 2, any other error 1, commander's own problems 2 and its help 0; the short message, or the full one
// and the cause under --verbose. Break tried: `options.usageErrors.some(…)` always false fails the usage-error case.
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { BaseError } from './base.js'
import { runProgram } from './runProgram.js'

class WrongFlagError extends BaseError {
  override readonly name = 'WrongFlagError'
}
class NodeDownError extends BaseError {
  override readonly name = 'NodeDownError'
}

/** A program whose `fail KIND` command throws the error of that kind. */
function program(): Command {
  const errors: Record<string, () => unknown> = {
    usage: () => new WrongFlagError('--flag is wrong; give a number.'),
    failed: () =>
      new NodeDownError('The node is down; start it.', { details: 'ECONNREFUSED', cause: 'socket closed' }),
    plain: () => new Error('plain failure'),
    thrown: () => 'a string',
  }
  const command = new Command('tool')
    .option('--verbose')
    .exitOverride()
    .configureOutput({
      writeOut: () => {},
      writeErr: () => {},
    })
  command.command('fail <kind>').action((kind: string) => {
    throw errors[kind]?.()
  })
  command.command('ok').action(() => {})
  return command
}

const run = (args: string[], printCause = false) =>
  runProgram(program(), ['node', 'tool', ...args], { usageErrors: [WrongFlagError], printCause })

describe('runProgram', () => {
  let stderr: MockInstance<typeof console.error>
  const printed = () => stderr.mock.calls.map((call) => call[0])
  beforeEach(() => {
    stderr = vi.spyOn(console, 'error').mockImplementation(() => {})
  })
  afterEach(() => stderr.mockRestore())

  it('is 0 for a command that succeeds and for --help', async () => {
    expect(await run(['ok'])).toBe(0)
    expect(await run(['--help'])).toBe(0)
    expect(printed()).toEqual([])
  })

  it("is 2 for commander's own problems and for the usage error classes, with the short message", async () => {
    expect(await run(['explode'])).toBe(2)
    expect(await run(['fail', 'usage'])).toBe(2)
    expect(printed()).toEqual(['error: --flag is wrong; give a number.'])
  })

  it('is 1 for every other error, with its short message or its message', async () => {
    expect(await run(['fail', 'failed'])).toBe(1)
    expect(await run(['fail', 'plain'])).toBe(1)
    expect(await run(['fail', 'thrown'])).toBe(1)
    expect(printed()).toEqual([
      'error: The node is down; start it.',
      'error: plain failure',
      'error: a string',
    ])
  })

  it('prints the full message under --verbose, and the cause when asked to', async () => {
    expect(await run(['--verbose', 'fail', 'failed'])).toBe(1)
    expect(await run(['--verbose', 'fail', 'failed'], true)).toBe(1)
    const full = 'error: The node is down; start it.\n\nDetails: ECONNREFUSED'
    expect(printed()).toEqual([full, full, 'socket closed'])
  })
})
