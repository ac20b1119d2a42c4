import type { Command } from 'commander'
import { zeroAddress } from 'viem'
import { amountIn, connect, formatIn, type GlobalOptions, print, signerAddress } from '../context.js'
import { parseAddress, parsePileId } from '../parse.js'

const pileArgument = ['<pile>', "the pile's device id (DMID) or its 0x bytes32 id"] as const

export function registerPileCommands(program: Command): void {
  const pile = program.command('pile').description("register and manage charging piles (owner's key)")

  pile
    .command('register')
    .description('register a pile owned by the signing key')
    .argument(...pileArgument)
    .requiredOption('--price <amount>', 'price per kWh in currency units, e.g. 0.0003 (ETH) or 1.2 (token)')
    .option('--payout <address>', 'where earnings go (default: the owner)')
    .option('--agent <address>', "the pile Pi's hot key (default: the owner)")
    .option('--currency <token>', 'ERC-20 token address (default: the native coin)')
    .action(async (pileArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & { price: string; payout?: string; agent?: string; currency?: string }
      >()
      const pileId = parsePileId(pileArg)
      const client = await connect(options, { write: true })
      const owner = signerAddress(client)
      const currency = options.currency ? parseAddress('--currency', options.currency) : zeroAddress
      const pricePerKWh = await amountIn(client, currency, '--price', options.price)
      const { hash } = await client.registerPile({
        pileId,
        payout: options.payout ? parseAddress('--payout', options.payout) : owner,
        agent: options.agent ? parseAddress('--agent', options.agent) : owner,
        currency,
        pricePerKWh,
      })
      print(options, [`registered pile ${pileId}`, `tx ${hash}`], { pileId, transactionHash: hash })
    })

  pile
    .command('set-price')
    .description("change the pile's tariff (open sessions keep theirs)")
    .argument(...pileArgument)
    .requiredOption('--price <amount>', 'price per kWh in currency units')
    .option('--currency <token>', 'ERC-20 token address (default: the native coin)')
    .action(async (pileArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { price: string; currency?: string }>()
      const pileId = parsePileId(pileArg)
      const client = await connect(options, { write: true })
      const currency = options.currency ? parseAddress('--currency', options.currency) : zeroAddress
      const pricePerKWh = await amountIn(client, currency, '--price', options.price)
      const { hash } = await client.setTariff({ pileId, currency, pricePerKWh })
      print(options, [`tariff set: ${await formatIn(client, currency, pricePerKWh)}/kWh`, `tx ${hash}`], {
        pileId,
        currency,
        pricePerKWh,
        transactionHash: hash,
      })
    })

  for (const [name, field, description] of [
    ['set-payout', 'payout', 'change where the pile’s earnings go'],
    ['set-agent', 'agent', "replace the pile Pi's hot key"],
  ] as const) {
    pile
      .command(name)
      .description(description)
      .argument(...pileArgument)
      .argument('<address>', `the new ${field} address`)
      .action(async (pileArg: string, addressArg: string, _options, command: Command) => {
        const options = command.optsWithGlobals<GlobalOptions>()
        const pileId = parsePileId(pileArg)
        const address = parseAddress(field, addressArg)
        const client = await connect(options, { write: true })
        const { hash } =
          field === 'payout'
            ? await client.setPayout({ pileId, payout: address })
            : await client.setAgent({ pileId, agent: address })
        print(options, [`${field} set to ${address}`, `tx ${hash}`], {
          pileId,
          [field]: address,
          transactionHash: hash,
        })
      })
  }

  for (const [name, free] of [
    ['add-free', true],
    ['remove-free', false],
  ] as const) {
    pile
      .command(name)
      .description(
        free ? "let the owner's own cars charge here for free" : 'stop cars charging here for free',
      )
      .argument(...pileArgument)
      .argument('<vehicles...>', 'vehicle addresses')
      .action(async (pileArg: string, vehicleArgs: string[], _options, command: Command) => {
        const options = command.optsWithGlobals<GlobalOptions>()
        const pileId = parsePileId(pileArg)
        const vehicles = vehicleArgs.map((value) => parseAddress('vehicle', value))
        const client = await connect(options, { write: true })
        const { hash } = await client.setFreeVehicles(
          free ? { pileId, add: vehicles } : { pileId, remove: vehicles },
        )
        print(options, [`${free ? 'added' : 'removed'} ${vehicles.length} free vehicle(s)`, `tx ${hash}`], {
          pileId,
          vehicles,
          free,
          transactionHash: hash,
        })
      })
  }

  pile
    .command('transfer')
    .description('hand the pile to a new owner (their payout and agent); free vehicles start empty')
    .argument(...pileArgument)
    .requiredOption('--to <address>', 'the new owner')
    .option('--payout <address>', 'the new payout (default: the new owner)')
    .option('--agent <address>', 'the new agent key (default: the new owner)')
    .action(async (pileArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & { to: string; payout?: string; agent?: string }
      >()
      const pileId = parsePileId(pileArg)
      const newOwner = parseAddress('--to', options.to)
      const payout = options.payout ? parseAddress('--payout', options.payout) : newOwner
      const agent = options.agent ? parseAddress('--agent', options.agent) : newOwner
      const client = await connect(options, { write: true })
      const { hash } = await client.transferPile({ pileId, newOwner, payout, agent })
      print(options, [`pile transferred to ${newOwner}`, `tx ${hash}`], {
        pileId,
        newOwner,
        transactionHash: hash,
      })
    })

  pile
    .command('show')
    .description("print the pile's record")
    .argument(...pileArgument)
    .option('--vehicle <address>', 'also say whether this vehicle charges free')
    .action(async (pileArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { vehicle?: string }>()
      const pileId = parsePileId(pileArg)
      const client = await connect(options, { write: false })
      const record = await client.getPile({ pileId })
      const vehicle = options.vehicle ? parseAddress('--vehicle', options.vehicle) : undefined
      const free = vehicle ? await client.isFreeVehicle({ pileId, vehicle }) : undefined
      print(
        options,
        [
          `pile      ${pileId}`,
          `owner     ${record.owner}`,
          `payout    ${record.payout}`,
          `agent     ${record.agent}`,
          `price     ${await formatIn(client, record.currency, record.pricePerKWh)}/kWh`,
          ...(vehicle ? [`${vehicle} ${free ? 'charges free' : 'pays'}`] : []),
        ],
        { pileId, ...record, ...(vehicle ? { vehicle, free } : {}) },
      )
    })
}
