import { type Actor, countAccounts, createAccount, type Database } from '@chargechain/db'
import { generatePassword, hashPassword } from './auth/secrets.js'
import { UsageError } from './errors.js'
import { passwordSchema, usernameSchema } from './routes/accounts.js'

export const adminUserVariable = 'CHARGECHAIN_ADMIN_USER'
export const adminPasswordVariable = 'CHARGECHAIN_ADMIN_PASSWORD'

export interface FirstAdmin {
  username: string
  /** Set only when this call generated it: print it once, it is stored only hashed. */
  generatedPassword?: string
}

/** Whether anybody may sign in yet. */
export async function hasAccounts(database: Database): Promise<boolean> {
  const [admins, viewers] = await Promise.all([
    countAccounts(database.db, 'admin'),
    countAccounts(database.db, 'viewer'),
  ])
  return admins + viewers > 0
}

/**
 * Creates the first admin when the database has no account at all: from CHARGECHAIN_ADMIN_USER and
 * CHARGECHAIN_ADMIN_PASSWORD when set, else (`generate`) `admin` with a generated password the caller prints once.
 * There is never a default password. Returns undefined when accounts exist or nothing was asked for.
 */
export async function ensureFirstAdmin(
  database: Database,
  options: { env: NodeJS.ProcessEnv; generate: boolean; actor?: Actor },
): Promise<FirstAdmin | undefined> {
  if (await hasAccounts(database)) return undefined
  const fromEnv = options.env[adminPasswordVariable]
  if (fromEnv === undefined && !options.generate) return undefined
  const username = checked(usernameSchema, options.env[adminUserVariable] ?? 'admin', adminUserVariable)
  const password =
    fromEnv === undefined ? generatePassword() : checked(passwordSchema, fromEnv, adminPasswordVariable)
  await createAccount(
    database.db,
    { username, role: 'admin', passwordHash: await hashPassword(password) },
    options.actor ?? { accountId: null, name: 'system' },
  )
  return { username, ...(fromEnv === undefined ? { generatedPassword: password } : {}) }
}

function checked(schema: typeof usernameSchema | typeof passwordSchema, value: string, name: string): string {
  const result = schema.safeParse(value)
  if (!result.success) throw new UsageError(`${name} ${result.error.issues[0]?.message ?? 'is not valid'}.`)
  return result.data
}
