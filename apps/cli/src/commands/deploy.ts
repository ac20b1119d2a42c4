import { deployChargeChain } from '@chargechain/chain'
import type { Command } from 'commander'
import { createWalletClient, http } from 'viem'
import { type GlobalOptions, loadSigner, print } from '../context.js'
import { parseAddress, parseWholeNumber } from '../parse.js'

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('deploy the contracts and write the deployment manifest (to --deployment)')
    .option('--arbiter <address>', 'who decides escrow disputes (default: the deployer)')
    .option('--settle-window <seconds>', 'time a pile keeps to settle after a refund request', '3600')
    .option('--dispute-window <seconds>', 'time the arbiter has to decide a dispute', '86400')
    .option(
      '--challenge-period <seconds>',
      'time an operator keeps to settle after a channel close request',
      '86400',
    )
    .option('--demo-token', 'also deploy the DemoToken (dev chains)')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & {
          arbiter?: string
          settleWindow: string
          disputeWindow: string
          challengePeriod: string
          demoToken?: boolean
        }
      >()
      const signer = await loadSigner(options)
      const client = createWalletClient({ account: signer.account, transport: http(options.rpc) })
      const deployment = await deployChargeChain(client, {
        arbiter: options.arbiter ? parseAddress('--arbiter', options.arbiter) : signer.address,
        settleWindow: parseWholeNumber('--settle-window', options.settleWindow),
        disputeWindow: parseWholeNumber('--dispute-window', options.disputeWindow),
        challengePeriod: parseWholeNumber('--challenge-period', options.challengePeriod),
        demoToken: options.demoToken ?? false,
        path: options.deployment,
      })
      print(
        options,
        [
          `chain            ${deployment.chainId}`,
          `PileRegistry     ${deployment.contracts.pileRegistry}`,
          `SessionEscrow    ${deployment.contracts.sessionEscrow}`,
          `PaymentChannels  ${deployment.contracts.paymentChannels}`,
          ...(deployment.contracts.demoToken ? [`DemoToken        ${deployment.contracts.demoToken}`] : []),
          `manifest         ${options.deployment}`,
        ],
        deployment,
      )
    })
}
