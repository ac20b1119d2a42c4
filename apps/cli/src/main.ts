import { InvalidParameterError, InvalidPrivateKeyError } from '@chargechain/chain'
import { BaseError } from '@chargechain/errors'
import { CommanderError } from 'commander'
import { InvalidAmountError, UsageError } from './errors.js'
import { createProgram } from './program.js'

const exitCodes = { ok: 0, error: 1, usage: 2 } as const

const usageErrors = [UsageError, InvalidAmountError, InvalidParameterError, InvalidPrivateKeyError]

/** Runs the CLI and resolves to its exit code: 0 ok, 1 the operation failed, 2 the command line was wrong. */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram()
  try {
    await program.parseAsync(argv)
    return exitCodes.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the problem (or the help).
      const harmless = ['commander.helpDisplayed', 'commander.help', 'commander.version']
      return harmless.includes(error.code) ? exitCodes.ok : exitCodes.usage
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose
    if (error instanceof BaseError) {
      console.error(`error: ${verbose ? error.message : error.shortMessage}`)
      return usageErrors.some((type) => error instanceof type) ? exitCodes.usage : exitCodes.error
    }
    console.error(
      `error: ${error instanceof Error ? (verbose ? error.stack : error.message) : String(error)}`,
    )
    return exitCodes.error
  }
}

const code = await run(process.argv)
// devchain keeps running until a signal; every other command ends here.
if (!process.argv.slice(2).includes('devchain') || code !== exitCodes.ok) process.exit(code)
