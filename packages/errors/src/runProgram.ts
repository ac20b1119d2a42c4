import { type Command, CommanderError } from 'commander'
import { BaseError } from './base.js'

/** A command line's exit codes: 0 ok, 1 the operation failed, 2 the command line was wrong. */
export const exitCodes = { ok: 0, error: 1, usage: 2 } as const

/** Commander's own exits that are not failures. */
const harmlessCommanderCodes = ['commander.helpDisplayed', 'commander.help', 'commander.version']

/** An error class, matched with `instanceof`. */
export type ErrorClass = abstract new (...args: never[]) => Error

export interface RunProgramOptions {
  /** Errors that mean the command line was wrong (exit code 2); every other error is exit code 1. */
  usageErrors: readonly ErrorClass[]
  /** Under --verbose, also print a ChargeChain error's cause. */
  printCause?: boolean
}

/**
 * Parses `argv` with `program` and resolves to the exit code. A failure is printed on stderr as `error: …`: a
 * ChargeChain error's short message (its full message under the program's --verbose), any other error's message (its
 * stack under --verbose). Commander prints its own problems and help.
 */
export async function runProgram(
  program: Command,
  argv: string[],
  options: RunProgramOptions,
): Promise<number> {
  try {
    await program.parseAsync(argv)
    return exitCodes.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      return harmlessCommanderCodes.includes(error.code) ? exitCodes.ok : exitCodes.usage
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose
    if (error instanceof BaseError) {
      console.error(`error: ${verbose ? error.message : error.shortMessage}`)
      if (verbose && options.printCause && error.cause) console.error(error.cause)
      return options.usageErrors.some((type) => error instanceof type) ? exitCodes.usage : exitCodes.error
    }
    console.error(
      `error: ${error instanceof Error ? (verbose ? error.stack : error.message) : String(error)}`,
    )
    return exitCodes.error
  }
}
