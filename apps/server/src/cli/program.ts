import { Command } from 'commander'
import { registerSetupCommands } from './setup.js'
import { registerStartCommand, type StartContext } from './start.js'

/** The `chargechain-server` command line, without process concerns (exit codes live in main.ts). */
export function createProgram(context: StartContext): Command {
  const program = new Command('chargechain-server')
    .description(
      'The ChargeChain management server and its set-up. The database: PostgreSQL when DATABASE_URL is set, ' +
        'else embedded PGlite in --data.',
    )
    .option('--verbose', 'print error details')
    .showHelpAfterError()
    .exitOverride()
  registerStartCommand(program, context)
  registerSetupCommands(program, context)
  // Subcommands throw instead of exiting too, so main.ts decides every exit code.
  const exitOverride = (command: Command): void => {
    command.exitOverride()
    for (const sub of command.commands) exitOverride(sub)
  }
  exitOverride(program)
  return program
}
