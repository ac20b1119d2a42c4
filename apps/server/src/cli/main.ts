import { InvalidParameterError } from '@chargechain/db'
import { BaseError } from '@chargechain/errors'
import { CommanderError } from 'commander'
import { UsageError } from '../errors.js'
import { createProgram } from './program.js'

const exitCodes = { ok: 0, error: 1, usage: 2 } as const

/** Runs the command line and resolves to its exit code: 0 ok, 1 the operation failed, 2 the command line was wrong. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const stopSignal = new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const program = createProgram({ env, print: (line) => console.log(line), stopSignal })
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
      if (verbose && error.cause) console.error(error.cause)
      return error instanceof UsageError || error instanceof InvalidParameterError
        ? exitCodes.usage
        : exitCodes.error
    }
    console.error(
      `error: ${error instanceof Error ? (verbose ? error.stack : error.message) : String(error)}`,
    )
    return exitCodes.error
  }
}

process.exit(await run(process.argv))
