import { addCharger, createAccount, putIdTag } from '@chargechain/db'
import { hashChargerPassword } from '@chargechain/ocpp'
import { z } from '@hono/zod-openapi'
import type { Command } from 'commander'
import { generatePassword, hashPassword } from '../auth/secrets.js'
import { idText, timeText } from '../http/schemas.js'
import { passwordSchema, usernameSchema } from '../routes/accounts.js'
import { chargerIdSchema, chargerPasswordSchema, idTagSchema } from '../routes/chargers.js'
import { withDatabase } from './database.js'
import { parse } from './parse.js'
import { promptNewPassword } from './prompt.js'

const cli = { accountId: null, name: 'cli' }
const statusSchema = z.enum(['accepted', 'blocked', 'expired'])

export interface SetupContext {
  env: NodeJS.ProcessEnv
  print(line: string): void
}

/** `admin create`, `charger add`, `tag add`: set-up an operator can script, on the database the server uses. */
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
    .command('charger')
    .description('OCPP chargers')
    .command('add')
    .description("Registers a pile's OCPP identity (ws://HOST:PORT/ocpp/ID) and its basic-auth password")
    .argument('<id>', 'the charge point identity')
    .requiredOption('--password <password>', 'its password (8–40 characters)')
    .requiredOption('--pile <pileId>', 'the pile it is')
    .option('--data <dir>', 'data folder of the embedded database (DATABASE_URL wins)', './data')
    .action(async (id: string, options: { password: string; pile: string; data: string }) => {
      const chargerId = parse(chargerIdSchema, id, 'The charger id')
      const password = parse(chargerPasswordSchema, options.password, '--password')
      const pileId = parse(idText('--pile'), options.pile, '--pile')
      await withDatabase(options.data, context.env, async (database) => {
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
          status: parse(statusSchema, options.status, '--status'),
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
