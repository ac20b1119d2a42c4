import type { ChargeChainClient, Session } from '@chargechain/chain'
import type { Command } from 'commander'
import { type Hex, zeroAddress } from 'viem'
import { amountIn, connect, formatIn, type GlobalOptions, print, signerAddress } from '../context.js'
import { UsageError } from '../errors.js'
import { parseAddress, parseBytes32, parsePileId, parseWholeNumber } from '../parse.js'

const pileArgument = ['<pile>', "the pile's device id (DMID) or its 0x bytes32 id"] as const
const ownerOption = [
  '--owner <address>',
  'who registered the pile, to find it by DMID (default: the signer)',
] as const

type TariffOptions = {
  price: string
  perMinute?: string
  idlePerMinute?: string
  sessionFee?: string
  currency?: string
}

function tariffOptions(command: Command): Command {
  return command
    .requiredOption('--price <amount>', 'price per kWh in currency units, e.g. 0.0003 (ETH) or 1.2 (token)')
    .option('--per-minute <amount>', 'price per minute of charging (default: 0)')
    .option('--idle-per-minute <amount>', 'price per minute of idling once the car is full (default: 0)')
    .option('--session-fee <amount>', 'fee once per session (default: 0)')
    .option('--currency <token>', 'ERC-20 token address (default: the native coin)')
}

async function parseTariff(client: ChargeChainClient, options: TariffOptions) {
  const currency = options.currency ? parseAddress('--currency', options.currency) : zeroAddress
  const amount = (option: string, value: string | undefined) =>
    value === undefined ? Promise.resolve(0n) : amountIn(client, currency, option, value)
  return {
    currency,
    pricePerKWh: await amountIn(client, currency, '--price', options.price),
    pricePerMinute: await amount('--per-minute', options.perMinute),
    idlePerMinute: await amount('--idle-per-minute', options.idlePerMinute),
    sessionFee: await amount('--session-fee', options.sessionFee),
  }
}

async function describeTariff(client: ChargeChainClient, tariff: Awaited<ReturnType<typeof parseTariff>>) {
  const part = async (amount: bigint, unit: string) =>
    amount === 0n ? [] : [`${await formatIn(client, tariff.currency, amount)}${unit}`]
  return [
    ...(await part(tariff.pricePerKWh, '/kWh')),
    ...(await part(tariff.pricePerMinute, '/min charging')),
    ...(await part(tariff.idlePerMinute, '/min idle')),
    ...(await part(tariff.sessionFee, ' per session')),
  ].join(' + ')
}

/** The pile an owner-signed command acts on: a DMID is looked up under --owner, else under the signer. */
function ownedPile(client: ChargeChainClient, pileArg: string, owner: string | undefined): Hex {
  return parsePileId(pileArg, owner ? parseAddress('--owner', owner) : signerAddress(client))
}

export function registerPileCommands(program: Command): void {
  const pile = program.command('pile').description("register and manage charging piles (owner's key)")

  tariffOptions(
    pile
      .command('register')
      .description('register a pile owned by the signing key; its id derives from the key and the DMID')
      .argument('<dmid>', "the pile's device id in the management system"),
  )
    .option('--payout <address>', 'where earnings go (default: the owner)')
    .option('--agent <address>', "the pile Pi's hot key (default: the owner)")
    .option(
      '--credit <Wh>',
      'energy the pile delivers ahead of the vouchers, which caps a claim (default: 0)',
    )
    .action(async (dmid: string, _options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & TariffOptions & { payout?: string; agent?: string; credit?: string }
      >()
      if (dmid.startsWith('0x'))
        throw new UsageError('Register a pile by its device id (DMID); its 0x id is derived from it.')
      const client = await connect(options, { write: true })
      const owner = signerAddress(client)
      const tariff = await parseTariff(client, options)
      const terms = {
        payout: options.payout ? parseAddress('--payout', options.payout) : owner,
        agent: options.agent ? parseAddress('--agent', options.agent) : owner,
        tariff,
        creditWh: options.credit ? parseWholeNumber('--credit', options.credit) : 0,
      }
      const { hash, pileId } = await client.registerPile({ dmid, terms })
      print(
        options,
        [`registered pile ${pileId}`, `tariff ${await describeTariff(client, tariff)}`, `tx ${hash}`],
        { pileId, terms, transactionHash: hash },
      )
    })

  tariffOptions(
    pile
      .command('set-tariff')
      .description("change the pile's tariff (open sessions keep theirs)")
      .argument(...pileArgument)
      .option(...ownerOption),
  ).action(async (pileArg: string, _options, command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions & TariffOptions & { owner?: string }>()
    const client = await connect(options, { write: true })
    const pileId = ownedPile(client, pileArg, options.owner)
    const tariff = await parseTariff(client, options)
    const { hash } = await client.setTariff({ pileId, tariff })
    print(options, [`tariff set: ${await describeTariff(client, tariff)}`, `tx ${hash}`], {
      pileId,
      tariff,
      transactionHash: hash,
    })
  })

  pile
    .command('set-credit')
    .description('change the energy the pile delivers ahead of the vouchers (open sessions keep theirs)')
    .argument(...pileArgument)
    .argument('<Wh>', 'the new credit in Wh')
    .option(...ownerOption)
    .action(async (pileArg: string, creditArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { owner?: string }>()
      const creditWh = parseWholeNumber('credit', creditArg)
      const client = await connect(options, { write: true })
      const pileId = ownedPile(client, pileArg, options.owner)
      const { hash } = await client.setCredit({ pileId, creditWh })
      print(options, [`credit set to ${creditWh} Wh`, `tx ${hash}`], {
        pileId,
        creditWh,
        transactionHash: hash,
      })
    })

  for (const [name, field, description] of [
    ['set-payout', 'payout', 'change where the pile’s earnings go'],
    ['set-agent', 'agent', "replace the pile Pi's hot key (then `pile reassign` its open sessions)"],
  ] as const) {
    pile
      .command(name)
      .description(description)
      .argument(...pileArgument)
      .argument('<address>', `the new ${field} address`)
      .option(...ownerOption)
      .action(async (pileArg: string, addressArg: string, _options, command: Command) => {
        const options = command.optsWithGlobals<GlobalOptions & { owner?: string }>()
        const address = parseAddress(field, addressArg)
        const client = await connect(options, { write: true })
        const pileId = ownedPile(client, pileArg, options.owner)
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

  pile
    .command('reassign')
    .description("move the pile's open sessions to a new agent key: the old key can no longer settle them")
    .argument(...pileArgument)
    .requiredOption('--agent <address>', 'the key that alone may settle them from now on')
    .option('--session <ids...>', 'only these sessions (default: every open session at the pile)')
    .option(...ownerOption)
    .action(async (pileArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & { agent: string; session?: string[]; owner?: string }
      >()
      const agent = parseAddress('--agent', options.agent)
      const only = options.session?.map((id) => parseBytes32('--session', id).toLowerCase())
      const client = await connect(options, { write: true })
      const pileId = ownedPile(client, pileArg, options.owner)
      const sessions = await openSessions(client, pileId, only)
      if (sessions.length === 0) {
        print(options, ['no open session to reassign'], { pileId, reassigned: [] })
        return
      }
      const { hash, reassigned } = await client.reassignSessions({ sessions, agent })
      print(options, [`${reassigned.length} session(s) now settle through ${agent}`, `tx ${hash}`], {
        pileId,
        agent,
        reassigned,
        transactionHash: hash,
      })
    })

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
      .option(...ownerOption)
      .action(async (pileArg: string, vehicleArgs: string[], _options, command: Command) => {
        const options = command.optsWithGlobals<GlobalOptions & { owner?: string }>()
        const vehicles = vehicleArgs.map((value) => parseAddress('vehicle', value))
        const client = await connect(options, { write: true })
        const pileId = ownedPile(client, pileArg, options.owner)
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
    .option(...ownerOption)
    .action(async (pileArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<
        GlobalOptions & { to: string; payout?: string; agent?: string; owner?: string }
      >()
      const newOwner = parseAddress('--to', options.to)
      const payout = options.payout ? parseAddress('--payout', options.payout) : newOwner
      const agent = options.agent ? parseAddress('--agent', options.agent) : newOwner
      const client = await connect(options, { write: true })
      const pileId = ownedPile(client, pileArg, options.owner)
      const { hash } = await client.transferPile({ pileId, newOwner, payout, agent })
      print(options, [`pile transferred to ${newOwner}`, `tx ${hash}`], {
        pileId,
        newOwner,
        transactionHash: hash,
      })
    })

  pile
    .command('show')
    .description("print the pile's record and terms")
    .argument(...pileArgument)
    .option('--owner <address>', 'who registered the pile, to find it by DMID')
    .option('--vehicle <address>', 'also say whether this vehicle charges free')
    .action(async (pileArg: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { vehicle?: string; owner?: string }>()
      const pileId = parsePileId(pileArg, options.owner ? parseAddress('--owner', options.owner) : undefined)
      const client = await connect(options, { write: false })
      const record = await client.getPile({ pileId })
      const vehicle = options.vehicle ? parseAddress('--vehicle', options.vehicle) : undefined
      const free = vehicle ? await client.isFreeVehicle({ pileId, vehicle }) : undefined
      const { terms } = record
      print(
        options,
        [
          `pile      ${pileId}`,
          `owner     ${record.owner}`,
          `payout    ${terms.payout}`,
          `agent     ${terms.agent}`,
          `tariff    ${await describeTariff(client, terms.tariff)}`,
          `credit    ${terms.creditWh} Wh`,
          ...(vehicle ? [`${vehicle} ${free ? 'charges free' : 'pays'}`] : []),
        ],
        { pileId, ...record, ...(vehicle ? { vehicle, free } : {}) },
      )
    })
}

/** The pile's sessions still open (optionally only `only`), rebuilt from the chain. */
async function openSessions(
  client: ChargeChainClient,
  pileId: Hex,
  only: string[] | undefined,
): Promise<Session[]> {
  const found = await client.findSessions({ pileId })
  const open: Session[] = []
  for (const { sessionId, openedInTransaction } of found) {
    if (only && !only.includes(sessionId.toLowerCase())) continue
    const { session, state } = await client.getSession({ sessionId, transactionHash: openedInTransaction })
    if (state.status === 'open' || state.status === 'refundRequested') open.push(session)
  }
  return open
}
