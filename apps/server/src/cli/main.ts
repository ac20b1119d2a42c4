import { InvalidParameterError } from '@chargechain/db'
import { runProgram } from '@chargechain/errors/cli'
import { UsageError } from '../errors.js'
import { createProgram } from './program.js'

/** Runs the command line and resolves to its exit code: 0 ok, 1 the operation failed, 2 the command line was wrong. */
export function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const stopSignal = new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const program = createProgram({ env, print: (line) => console.log(line), stopSignal })
  return runProgram(program, argv, { usageErrors: [UsageError, InvalidParameterError], printCause: true })
}

process.exit(await run(process.argv))
