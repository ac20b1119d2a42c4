import { type ChargeChainClient, signChannelVoucher } from '@chargechain/chain'
import type { Command } from 'commander'
import { isAddressEqual, zeroAddress } from 'viem'
import {
  amountIn,
  connect,
  formatIn,
  type GlobalOptions,
  localAccount,
  print,
  signerAddress,
} from '../context.js'
import { UsageError } from '../errors.js'
import { parseAddress, parseBytes32, parseHex } from '../parse.js'

async function channelState(client: ChargeChainClient, channelIdArg: string) {
  return client.getChannel({ channelId: parseBytes32('channel id', channelIdArg) })
}

export function registerChannelCommands(program: Command): void {
  const channel = program.command('channel').description('payment channels between a vehicle and an operator')

  channel
    .command('open')
    .description('open a channel with an operator (vehicle key)')
    .requiredOption('--operator <address>', "the operator's payout address")
    .requiredOption('--deposit <amount>', 'deposit in currency units')
    .option('--currency <token>', 'ERC-20 token (default: the native coin)')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & { operator: string; deposit: string; currency?: string }
      >()
      const operator = parseAddress('--operator', options.operator)
      const currency = options.currency ? parseAddress('--currency', options.currency) : zeroAddress
      const client = await connect(options, { write: true })
      const deposit = await amountIn(client, currency, '--deposit', options.deposit)
      const { channelId, hash } = await client.openChannel({ operator, currency, deposit })
      print(options, [`channel ${channelId}`, `tx      ${hash}`], { channelId, transactionHash: hash })
    })

  channel
    .command('top-up')
    .description("add to the channel's deposit (vehicle key)")
    .argument('<channelId>')
    .requiredOption('--amount <amount>', 'amount in currency units')
    .action(async (channelIdArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { amount: string }>()
      const client = await connect(options, { write: true })
      const state = await channelState(client, channelIdArg)
      const amount = await amountIn(client, state.currency, '--amount', options.amount)
      const { hash } = await client.topUp({ channelId: state.channelId, amount })
      print(options, [`topped up ${await formatIn(client, state.currency, amount)}`, `tx ${hash}`], {
        channelId: state.channelId,
        amount,
        transactionHash: hash,
      })
    })

  channel
    .command('sign-voucher')
    .description('sign a cumulative channel voucher (vehicle key)')
    .argument('<channelId>')
    .requiredOption('--amount <amount>', 'cumulative amount over the channel’s life, in currency units')
    .action(async (channelIdArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { amount: string }>()
      const client = await connect(options, { write: true })
      const state = await channelState(client, channelIdArg)
      const cumulativeAmount = await amountIn(client, state.currency, '--amount', options.amount)
      const signature = await signChannelVoucher({
        account: localAccount(client),
        chainId: client.deployment.chainId,
        channels: client.deployment.contracts.paymentChannels,
        channelId: state.channelId,
        cumulativeAmount,
      })
      print(options, [`signature ${signature}`], { channelId: state.channelId, cumulativeAmount, signature })
    })

  channel
    .command('settle')
    .description("collect the latest voucher's increase (operator key)")
    .argument('<channelId>')
    .requiredOption('--amount <amount>', 'cumulative voucher amount, in currency units')
    .requiredOption('--signature <hex>', "the vehicle's voucher signature")
    .action(async (channelIdArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { amount: string; signature: string }>()
      const client = await connect(options, { write: true })
      const state = await channelState(client, channelIdArg)
      const cumulativeAmount = await amountIn(client, state.currency, '--amount', options.amount)
      const { hash } = await client.settleChannel({
        channelId: state.channelId,
        cumulativeAmount,
        signature: parseHex('--signature', options.signature),
      })
      const paid = cumulativeAmount - state.settled
      print(options, [`paid ${await formatIn(client, state.currency, paid)}`, `tx ${hash}`], {
        channelId: state.channelId,
        paid,
        transactionHash: hash,
      })
    })

  channel
    .command('close')
    .description(
      'vehicle key: request closing, then close after the challenge period; operator key: settle the final voucher (--amount, --signature) and close now',
    )
    .argument('<channelId>')
    .option('--amount <amount>', 'operator: final cumulative voucher amount (default: what is settled)')
    .option('--signature <hex>', "operator: the vehicle's final voucher signature")
    .action(async (channelIdArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { amount?: string; signature?: string }>()
      const client = await connect(options, { write: true })
      const state = await channelState(client, channelIdArg)
      const me = signerAddress(client)
      const { channelId } = state
      if (isAddressEqual(me, state.operator)) {
        const cumulativeAmount = options.amount
          ? await amountIn(client, state.currency, '--amount', options.amount)
          : state.settled
        const { hash } = await client.settleAndClose({
          channelId,
          cumulativeAmount,
          signature: options.signature ? parseHex('--signature', options.signature) : undefined,
        })
        return print(options, ['channel settled and closed', `tx ${hash}`], {
          channelId,
          transactionHash: hash,
        })
      }
      if (!isAddressEqual(me, state.vehicle))
        throw new UsageError(
          "Only the channel's vehicle or operator can close it; sign with one of their keys.",
        )
      if (state.status === 'open') {
        const { hash } = await client.requestClose({ channelId })
        const closing = await client.getChannel({ channelId })
        return print(
          options,
          [
            `close requested; run this again after ${new Date(closing.closesAt * 1000).toISOString()}`,
            `tx ${hash}`,
          ],
          { channelId, closesAt: closing.closesAt, transactionHash: hash },
        )
      }
      const { hash } = await client.closeChannel({ channelId })
      print(options, ['channel closed', `tx ${hash}`], { channelId, transactionHash: hash })
    })

  channel
    .command('show')
    .description("print the channel's state")
    .argument('<channelId>')
    .action(async (channelIdArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      const client = await connect(options, { write: false })
      const state = await channelState(client, channelIdArg)
      print(
        options,
        [
          `channel   ${state.channelId}`,
          `status    ${state.status}`,
          `vehicle   ${state.vehicle}`,
          `operator  ${state.operator}`,
          `deposit   ${await formatIn(client, state.currency, state.deposit)}`,
          `settled   ${await formatIn(client, state.currency, state.settled)}`,
          ...(state.closesAt ? [`closes at ${new Date(state.closesAt * 1000).toISOString()}`] : []),
        ],
        state,
      )
    })
}
