import type { Command } from 'commander'
import { type Address, erc20Abi, zeroAddress } from 'viem'
import { connect, formatIn, type GlobalOptions, print, signerAddress } from '../context.js'
import { UsageError } from '../errors.js'
import { parseAddress } from '../parse.js'

export function registerBalanceCommands(program: Command): void {
  program
    .command('balance')
    .description('wallet balance and what can be withdrawn from the escrow and the channels contract')
    .option('--account <address>', 'whose balance (default: the signing key)')
    .option('--currency <token>', 'ERC-20 token (default: the native coin)')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { account?: string; currency?: string }>()
      const hasKey = Boolean(options.keystore || options.privateKey)
      if (!options.account && !hasKey)
        throw new UsageError('Give --account, or a key (--keystore / --private-key).')
      const client = await connect(options, { write: !options.account })
      const account: Address = options.account
        ? parseAddress('--account', options.account)
        : signerAddress(client)
      const currency = options.currency ? parseAddress('--currency', options.currency) : zeroAddress
      const [wallet, escrow, channels] = await Promise.all([
        currency === zeroAddress
          ? client.getBalance({ address: account })
          : client.readContract({
              address: currency,
              abi: erc20Abi,
              functionName: 'balanceOf',
              args: [account],
            }),
        client.balanceOf({ account, currency }),
        client.balanceOf({ account, currency, contract: 'paymentChannels' }),
      ])
      print(
        options,
        [
          `account                 ${account}`,
          `wallet                  ${await formatIn(client, currency, wallet)}`,
          `escrow (withdrawable)   ${await formatIn(client, currency, escrow)}`,
          `channels (withdrawable) ${await formatIn(client, currency, channels)}`,
        ],
        { account, currency, wallet, escrow, channels },
      )
    })

  program
    .command('withdraw')
    .description('withdraw the signing key’s whole balance in one currency from the escrow (or --channels)')
    .option('--currency <token>', 'ERC-20 token (default: the native coin)')
    .option('--to <address>', 'recipient (default: the signing key)')
    .option('--channels', 'withdraw from the payment channels contract instead')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & { currency?: string; to?: string; channels?: boolean }
      >()
      const currency = options.currency ? parseAddress('--currency', options.currency) : zeroAddress
      const to = options.to ? parseAddress('--to', options.to) : undefined
      const client = await connect(options, { write: true })
      const contract = options.channels ? 'paymentChannels' : 'sessionEscrow'
      const amount = await client.balanceOf({ account: signerAddress(client), currency, contract })
      const { hash } = await client.withdraw({ currency, to, contract })
      print(options, [`withdrew ${await formatIn(client, currency, amount)}`, `tx ${hash}`], {
        amount,
        transactionHash: hash,
      })
    })
}
