import { InvalidParameterError, InvalidPrivateKeyError } from '@chargechain/chain'
import { exitCodes, runProgram } from '@chargechain/errors/cli'
import { InvalidAmountError, UsageError } from './errors.js'
import { createProgram } from './program.js'

const usageErrors = [UsageError, InvalidAmountError, InvalidParameterError, InvalidPrivateKeyError]

/** Runs the CLI and resolves to its exit code: 0 ok, 1 the operation failed, 2 the command line was wrong. */
export function run(argv: string[]): Promise<number> {
  return runProgram(createProgram(), argv, { usageErrors })
}

const code = await run(process.argv)
// devchain keeps running until a signal; every other command ends here.
if (!process.argv.slice(2).includes('devchain') || code !== exitCodes.ok) process.exit(code)
