import { deployChargeChain, privateKeySigner } from '@chargechain/chain'
import { demoTokenAbi } from '@chargechain/contracts'
import { startAnvil } from '@chargechain/devchain'
import { defined } from '@chargechain/errors'
import type { Command } from 'commander'
import { createWalletClient, http, parseEther } from 'viem'
import { writeContract } from 'viem/actions'
import type { GlobalOptions } from '../context.js'
import { parseWholeNumber } from '../parse.js'

export function registerDevchainCommand(program: Command): void {
  program
    .command('devchain')
    .description(
      'start a local anvil chain, deploy everything (with DemoToken), print the manifest; Ctrl-C stops it',
    )
    .option('--port <port>', 'TCP port (0 picks a free one)', '8545')
    .option('--chain-id <id>', 'chain id', '31337')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { port: string; chainId: string }>()
      const chain = await startAnvil({
        port: parseWholeNumber('--port', options.port),
        chainId: parseWholeNumber('--chain-id', options.chainId),
      })
      const stop = () => void chain.stop().then(() => process.exit(0))
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)

      const deployer = privateKeySigner(chain.privateKey(0), 'anvil account 0')
      const wallet = createWalletClient({ account: deployer.account, transport: http(chain.rpcUrl) })
      const deployment = await deployChargeChain(wallet, {
        arbiter: deployer.address,
        settleWindow: 3600,
        disputeWindow: 86_400,
        challengePeriod: 86_400,
        demoToken: true,
        path: options.deployment,
      })
      // Every dev account gets demo tokens, so ERC-20 piles work at once.
      const token = defined(deployment.contracts.demoToken, 'the demo token deployChargeChain was asked for')
      for (const key of chain.privateKeys)
        await writeContract(wallet, {
          address: token,
          abi: demoTokenAbi,
          functionName: 'mint',
          args: [privateKeySigner(key).address, parseEther('1000')],
          chain: null,
        })
      const summary = {
        rpcUrl: chain.rpcUrl,
        deploymentPath: options.deployment,
        deployment,
        privateKeys: chain.privateKeys,
      }
      if (options.json) console.log(JSON.stringify(summary))
      else {
        console.log(`dev chain   ${chain.rpcUrl} (chain ${chain.chainId})`)
        console.log(`manifest    ${options.deployment}`)
        console.log(JSON.stringify(deployment, null, 2))
        console.log('dev keys (public test keys, never use them for real money):')
        for (const [index, key] of chain.privateKeys.entries())
          console.log(`  (${index}) ${privateKeySigner(key).address} ${key}`)
        console.log('Ctrl-C stops the chain.')
      }
    })
}
