import { Command } from 'commander'
import { registerBalanceCommands } from './commands/balance.js'
import { registerChannelCommands } from './commands/channel.js'
import { registerDeployCommand } from './commands/deploy.js'
import { registerDevchainCommand } from './commands/devchain.js'
import { registerKeyCommands } from './commands/key.js'
import { registerPileCommands } from './commands/pile.js'
import { registerSessionCommands } from './commands/session.js'
import { defaultDeploymentPath, defaultRpc } from './context.js'

/** The `chargechain` command line, without process concerns (exit codes live in main.ts). */
export function createProgram(): Command {
  const program = new Command('chargechain')
    .description('Run ChargeChain on a chain: deploy, keys, piles, sessions, channels, balances.')
    .option('--rpc <url>', 'JSON-RPC endpoint (env CHARGECHAIN_RPC)', defaultRpc)
    .option('--deployment <file>', 'deployment manifest (env CHARGECHAIN_DEPLOYMENT)', defaultDeploymentPath)
    .option('--keystore <file>', 'sign with this keystore (password: env CHARGECHAIN_KEY_PASSWORD or prompt)')
    .option('--private-key <hex>', 'sign with this raw key (dev chains only)')
    .option('--json', 'print results as JSON')
    .option('--verbose', 'print error details')
    .showHelpAfterError()
    .exitOverride()
  for (const register of [
    registerDevchainCommand,
    registerDeployCommand,
    registerKeyCommands,
    registerPileCommands,
    registerSessionCommands,
    registerChannelCommands,
    registerBalanceCommands,
  ])
    register(program)
  // Subcommands throw instead of exiting too, so main.ts decides every exit code.
  for (const command of program.commands) {
    command.exitOverride()
    for (const sub of command.commands) sub.exitOverride()
  }
  return program
}
