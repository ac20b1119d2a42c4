import { type ChargeChainClient, signVoucher, tariffCost } from '@chargechain/chain'
import type { Command } from 'commander'
import type { Hash } from 'viem'
import { amountIn, connect, formatIn, type GlobalOptions, localAccount, print } from '../context.js'
import { UsageError } from '../errors.js'
import { parseAddress, parseBigInt, parseBytes32, parseHex, parsePileId, parseWholeNumber } from '../parse.js'

type SessionOptions = GlobalOptions & { tx?: string }
type TimeOptions = { chargingSeconds?: string; idleSeconds?: string }

const txOption = ['--tx <hash>', 'the opening transaction (faster lookup)'] as const

function timeOptions(command: Command): Command {
  return command
    .option('--charging-seconds <s>', 'cumulative seconds charged (default: 0)')
    .option('--idle-seconds <s>', 'cumulative seconds idled once the car was full (default: 0)')
}
const parseTime = (options: TimeOptions) => ({
  chargingSeconds: options.chargingSeconds
    ? parseWholeNumber('--charging-seconds', options.chargingSeconds)
    : 0,
  idleSeconds: options.idleSeconds ? parseWholeNumber('--idle-seconds', options.idleSeconds) : 0,
})

async function findSession(client: ChargeChainClient, sessionIdArg: string, options: SessionOptions) {
  return client.getSession({
    sessionId: parseBytes32('session id', sessionIdArg),
    transactionHash: options.tx ? (parseBytes32('--tx', options.tx) as Hash) : undefined,
  })
}

export function registerSessionCommands(program: Command): void {
  const session = program.command('session').description('escrow charging sessions')

  session
    .command('open')
    .description("open a session at a pile with a deposit, binding the pile's current terms (vehicle key)")
    .argument('<pile>', "the pile's device id (DMID, with --owner) or 0x bytes32 id")
    .option('--owner <address>', 'who registered the pile, to find it by DMID')
    .requiredOption('--deposit <amount>', "deposit in the pile's currency units, e.g. 0.01")
    .option('--payment <how>', 'for token piles: permit (default), approve, or balance')
    .option('--salt <bytes32>', 'make the session unique (default: random)')
    .action(async (pileArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & { deposit: string; payment?: string; salt?: string; owner?: string }
      >()
      const pileId = parsePileId(pileArg, options.owner ? parseAddress('--owner', options.owner) : undefined)
      if (options.payment && !['permit', 'approve', 'balance'].includes(options.payment))
        throw new UsageError(`--payment "${options.payment}" must be permit, approve or balance.`)
      const client = await connect(options, { write: true })
      const { terms } = await client.getPile({ pileId })
      const { currency } = terms.tariff
      const deposit = await amountIn(client, currency, '--deposit', options.deposit)
      const opened = await client.openSession({
        pileId,
        terms,
        deposit,
        payment: options.payment as 'permit' | 'approve' | 'balance' | undefined,
        salt: options.salt ? parseBytes32('--salt', options.salt) : undefined,
      })
      print(
        options,
        [
          `session ${opened.sessionId}`,
          `deposit ${await formatIn(client, currency, deposit)}`,
          `tx      ${opened.hash}`,
        ],
        { sessionId: opened.sessionId, transactionHash: opened.hash, session: opened.session },
      )
    })

  timeOptions(
    session
      .command('sign-voucher')
      .description(
        "sign a cumulative voucher for a session at its tariff's cost (vehicle key); prints amount and signature",
      )
      .argument('<sessionId>')
      .requiredOption('--energy <Wh>', 'cumulative energy delivered, in Wh')
      .option(...txOption),
  ).action(async (sessionIdArg: string, _options, command: Command) => {
    const options = command.optsWithGlobals<SessionOptions & TimeOptions & { energy: string }>()
    const client = await connect(options, { write: true })
    const { sessionId, session: record } = await findSession(client, sessionIdArg, options)
    const energyWh = parseBigInt('--energy', options.energy)
    const { chargingSeconds, idleSeconds } = parseTime(options)
    const amount = tariffCost(record.terms.tariff, energyWh, chargingSeconds, idleSeconds)
    const signature = await signVoucher({
      account: localAccount(client),
      chainId: client.deployment.chainId,
      escrow: client.deployment.contracts.sessionEscrow,
      sessionId,
      energyWh,
      chargingSeconds,
      idleSeconds,
      amount,
    })
    print(
      options,
      [
        `energy    ${energyWh} Wh, ${chargingSeconds} s charging, ${idleSeconds} s idle`,
        `amount    ${await formatIn(client, record.terms.tariff.currency, amount)}`,
        `signature ${signature}`,
      ],
      { sessionId, energyWh, chargingSeconds, idleSeconds, amount, signature },
    )
  })

  timeOptions(
    session
      .command('settle')
      .description("settle with the vehicle's latest voucher (pile agent or payout key)")
      .argument('<sessionId>')
      .requiredOption('--energy <Wh>', 'cumulative energy of the voucher, in Wh')
      .requiredOption(
        '--amount <amount>',
        'cumulative amount of the voucher, in currency units (0 refunds all)',
      )
      .option('--signature <hex>', "the vehicle's voucher signature (not needed for amount 0)")
      .option(...txOption),
  ).action(async (sessionIdArg: string, _options, command: Command) => {
    const options = command.optsWithGlobals<
      SessionOptions & TimeOptions & { energy: string; amount: string; signature?: string }
    >()
    const client = await connect(options, { write: true })
    const { session: record } = await findSession(client, sessionIdArg, options)
    const { currency } = record.terms.tariff
    const energyWh = parseBigInt('--energy', options.energy)
    const amount = await amountIn(client, currency, '--amount', options.amount)
    if (amount > 0n && !options.signature)
      throw new UsageError('--signature is required unless --amount is 0.')
    const { hash } = await client.settleSession({
      session: record,
      energyWh,
      ...parseTime(options),
      amount,
      signature: options.signature ? parseHex('--signature', options.signature) : undefined,
    })
    print(
      options,
      [
        `settled: ${await formatIn(client, currency, amount)} to ${record.terms.payout}`,
        `refund:  ${await formatIn(client, currency, record.deposit - amount)} to ${record.vehicle}`,
        `tx ${hash}`,
      ],
      { sessionId: sessionIdArg, energyWh, amount, refund: record.deposit - amount, transactionHash: hash },
    )
  })

  for (const [name, description] of [
    ['request-refund', 'ask for the deposit back; the pile keeps the settle window to settle (vehicle key)'],
    [
      'refund',
      'take the deposit back once the settle window after a refund request has passed (vehicle key)',
    ],
  ] as const) {
    session
      .command(name)
      .description(description)
      .argument('<sessionId>')
      .option(...txOption)
      .action(async (sessionIdArg: string, _options, command: Command) => {
        const options = command.optsWithGlobals<SessionOptions>()
        const client = await connect(options, { write: true })
        const { session: record } = await findSession(client, sessionIdArg, options)
        const { hash } =
          name === 'refund'
            ? await client.refund({ session: record })
            : await client.requestRefund({ session: record })
        print(options, [`${name} done`, `tx ${hash}`], { sessionId: sessionIdArg, transactionHash: hash })
      })
  }

  session
    .command('show')
    .description('rebuild a session from the chain and say where it stands')
    .argument('<sessionId>')
    .option(...txOption)
    .action(async (sessionIdArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<SessionOptions>()
      const client = await connect(options, { write: false })
      const found = await findSession(client, sessionIdArg, options)
      const { session: record, state } = found
      const { terms } = record
      const { currency } = terms.tariff
      print(
        options,
        [
          `session  ${found.sessionId}`,
          `status   ${state.status}`,
          `pile     ${record.pileId}`,
          `vehicle  ${record.vehicle}`,
          `payout   ${terms.payout}`,
          `agent    ${found.reassignedAgent ?? terms.agent}${found.reassignedAgent ? ' (reassigned)' : ''}`,
          `price    ${await formatIn(client, currency, terms.tariff.pricePerKWh)}/kWh`,
          `deposit  ${await formatIn(client, currency, record.deposit)}`,
          ...(state.status === 'settled'
            ? [
                `energy   ${state.energyWh} Wh, ${state.chargingSeconds} s charging, ${state.idleSeconds} s idle`,
                `paid     ${await formatIn(client, currency, state.amount)}`,
              ]
            : []),
        ],
        { ...found },
      )
    })
}
