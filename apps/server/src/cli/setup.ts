import {
  addCharger,
  createAccount,
  createPile,
  type Database,
  findPileIdByDmid,
  putIdTag,
} from '@chargechain/db'
import { hashChargerPassword } from '@chargechain/ocpp'
import type { Command } from 'commander'
import { generatePassword, hashPassword } from '../auth/secrets.js'
import { UsageError } from '../errors.js'
import { idTagStatusSchema, idText, timeText } from '../http/schemas.js'
import { passwordSchema, usernameSchema } from '../routes/accounts.js'
import { chargerIdSchema, chargerPasswordSchema, idTagSchema } from '../routes/chargers.js'
import { PileInputSchema } from '../routes/piles.js'
import { withDatabase } from './database.js'
import { parse } from './parse.js'
import { promptNewPassword } from './prompt.js'

const cli = { accountId: null, name: 'cli' }

export interface SetupContext {
  env: NodeJS.ProcessEnv
  print(line: string): void
}

/** A pile named on the command line by its id or its DMID. */
async function pileIdOf(database: Database, pile: string): Promise<number> {
  if (/^[1-9][0-9]*$/.test(pile)) return parse(idText('--pile'), pile, '--pile')
  const id = await findPileIdByDmid(database.db, pile)
  if (id === undefined)
    throw new UsageError(
      `No pile has DMID ${pile}; add it first with: chargechain-server pile add ${pile} --name …`,
    )
  return id
}

const number = (what: string) => (value: string) => {
  const parsed = Number(value)
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new UsageError(`${what} must be a number.`)
  return parsed
}

/** `admin create`, `pile add`, `charger add`, `tag add`: set-up an operator can script, on the server's database. */
export function registerSetupCommands(program: Command, context: SetupContext): void {
  const admin = program.command('admin').description('Accounts')
  admin
    .command('create')
    .description(
      'Adds an admin account; without --password it asks (or, with no terminal, generates one and prints it once)',
    )
    .option('--username <name>', 'its username', 'admin')
    .option('--password <password>', 'its password (at least 10 characters)')
    .option('--data <dir>', 'data folder of the embedded database (DATABASE_URL wins)', './data')
    .action(async (options: { username: string; password?: string; data: string }) => {
      const username = parse(usernameSchema, options.username, '--username')
      const given = options.password ?? (await promptNewPassword())
      const password = given === undefined ? generatePassword() : parse(passwordSchema, given, '--password')
      await withDatabase(options.data, context.env, async (database) => {
        const account = await createAccount(
          database.db,
          { username, role: 'admin', passwordHash: await hashPassword(password) },
          cli,
        )
        context.print(`Created admin ${account.username} (id ${account.id}).`)
        if (given === undefined) context.print(`Password (shown only now): ${password}`)
      })
    })

  program
    .command('pile')
    .description('Piles')
    .command('add')
    .description(
      "Adds a pile's metadata (the prototype's fields); its on-chain settings come from the registry",
    )
    .argument('<dmid>', 'its DMID, as on its plate')
    .requiredOption('--name <name>', 'its name')
    .option('--site <site>', 'the site (station) it stands at')
    .option('--installed-on <day>', 'install date, YYYY-MM-DD')
    .option('--brand <brand>', 'its brand')
    .option('--model <model>', 'its model')
    .option('--type <type>', 'ac or dc')
    .option('--guns <n>', 'how many guns', number('--guns'), 1)
    .option('--rated-power-w <watts>', 'rated power in W', number('--rated-power-w'))
    .option('--latitude <degrees>', 'latitude', number('--latitude'))
    .option('--longitude <degrees>', 'longitude', number('--longitude'))
    .option('--address <address>', 'street address')
    .option('--data <dir>', 'data folder of the embedded database (DATABASE_URL wins)', './data')
    .action(
      async (
        dmid: string,
        options: {
          name: string
          site?: string
          installedOn?: string
          brand?: string
          model?: string
          type?: string
          guns: number
          ratedPowerW?: number
          latitude?: number
          longitude?: number
          address?: string
          data: string
        },
      ) => {
        const { data, type, ...fields } = options
        const metadata = parse(PileInputSchema, { dmid, currentType: type, ...fields }, 'The pile')
        await withDatabase(data, context.env, async (database) => {
          const pile = await createPile(database.db, metadata, cli)
          context.print(`Pile ${pile.dmid ?? dmid} added (id ${pile.id}).`)
        })
      },
    )

  program
    .command('charger')
    .description('OCPP chargers')
    .command('add')
    .description("Registers a pile's OCPP identity (ws://HOST:PORT/ocpp/ID) and its basic-auth password")
    .argument('<id>', 'the charge point identity')
    .requiredOption('--password <password>', 'its password (8–40 characters)')
    .requiredOption('--pile <pile>', 'the pile it is: its id or DMID')
    .option('--data <dir>', 'data folder of the embedded database (DATABASE_URL wins)', './data')
    .action(async (id: string, options: { password: string; pile: string; data: string }) => {
      const chargerId = parse(chargerIdSchema, id, 'The charger id')
      const password = parse(chargerPasswordSchema, options.password, '--password')
      await withDatabase(options.data, context.env, async (database) => {
        const pileId = await pileIdOf(database, options.pile)
        await addCharger(
          database.db,
          { id: chargerId, pileId, passwordHash: await hashChargerPassword(password) },
          cli,
        )
        context.print(`Charger ${chargerId} added for pile ${pileId}.`)
      })
    })

  program
    .command('tag')
    .description('RFID cards')
    .command('add')
    .description('Adds (or replaces) an id tag a third-party charger may start with')
    .argument('<tag>', 'the card id')
    .option('--expires <time>', 'when it expires, ISO (2027-01-01 or 2027-01-01T00:00:00Z)')
    .option('--status <status>', 'accepted, blocked or expired', 'accepted')
    .option('--parent <tag>', 'its parent (group) tag')
    .option('--label <text>', 'a note for people')
    .option('--data <dir>', 'data folder of the embedded database (DATABASE_URL wins)', './data')
    .action(
      async (
        tag: string,
        options: { expires?: string; status: string; parent?: string; label?: string; data: string },
      ) => {
        const input = {
          tag: parse(idTagSchema, tag, 'The tag'),
          status: parse(idTagStatusSchema, options.status, '--status'),
          expiresAt: options.expires === undefined ? null : parse(timeText, options.expires, '--expires'),
          parentTag: options.parent === undefined ? null : parse(idTagSchema, options.parent, '--parent'),
          label: options.label ?? null,
        }
        await withDatabase(options.data, context.env, async (database) => {
          const stored = await putIdTag(database.db, input, cli)
          context.print(
            `Tag ${stored.tag} ${stored.status}${stored.expiresAt ? ` until ${stored.expiresAt.toISOString()}` : ''}.`,
          )
        })
      },
    )
}
