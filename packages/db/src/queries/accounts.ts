import { and, asc, count, eq, gt, isNull, lte, or } from 'drizzle-orm'
import type { Db } from '../database.js'
import { NotFoundError } from '../errors.js'
import { accounts, apiTokens, loginSessions } from '../schema/index.js'
import { type Actor, writeAudit } from './audit.js'
import { conflict } from './constraint.js'

export type Account = typeof accounts.$inferSelect
export type AccountRole = Account['role']
export type ApiToken = typeof apiTokens.$inferSelect

/** An account as callers outside sign-in see it: without its password hash. */
export type AccountView = Omit<Account, 'passwordHash'>

const view = {
  id: accounts.id,
  username: accounts.username,
  role: accounts.role,
  createdAt: accounts.createdAt,
  lastLoginAt: accounts.lastLoginAt,
}

export interface CreateAccountParameters {
  username: string
  /** A PHC string (`$argon2id$…`) from the server's hashing; never the password. */
  passwordHash: string
  role: AccountRole
}

export async function createAccount(
  db: Db,
  parameters: CreateAccountParameters,
  actor: Actor,
): Promise<AccountView> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(accounts)
      .values(parameters)
      .returning(view)
      .catch(conflict(`account ${parameters.username}`))
    if (!row) throw new NotFoundError(`account ${parameters.username}`)
    await writeAudit(tx, actor, 'account.create', `account:${row.id}`, undefined, row)
    return row
  })
}

/** The account signing in, with the hash to check the password against. */
export async function findAccountForLogin(db: Db, username: string): Promise<Account | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.username, username))
  return row
}

export async function listAccounts(db: Db): Promise<AccountView[]> {
  return db.select(view).from(accounts).orderBy(asc(accounts.id))
}

/** How many accounts hold `role` (the first admin is created only when there is none). */
export async function countAccounts(db: Db, role: AccountRole): Promise<number> {
  const [row] = await db.select({ n: count() }).from(accounts).where(eq(accounts.role, role))
  return row?.n ?? 0
}

export interface UpdateAccountParameters {
  role?: AccountRole
  passwordHash?: string
}

/** Changes a role or a password; a password change signs the account out everywhere. */
export async function updateAccount(
  db: Db,
  id: number,
  parameters: UpdateAccountParameters,
  actor: Actor,
): Promise<AccountView> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select(view).from(accounts).where(eq(accounts.id, id)).for('update')
    if (!before) throw new NotFoundError(`account ${id}`)
    const [after] = await tx.update(accounts).set(parameters).where(eq(accounts.id, id)).returning(view)
    if (!after) throw new NotFoundError(`account ${id}`)
    if (parameters.passwordHash !== undefined)
      await tx.delete(loginSessions).where(eq(loginSessions.accountId, id))
    await writeAudit(tx, actor, 'account.update', `account:${id}`, before, {
      ...after,
      ...(parameters.passwordHash === undefined ? {} : { password: 'changed' }),
    })
    return after
  })
}

/** Deletes an account with its sessions and tokens; its audit entries keep its name. */
export async function deleteAccount(db: Db, id: number, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(accounts).where(eq(accounts.id, id)).returning(view)
    if (!row) throw new NotFoundError(`account ${id}`)
    await writeAudit(tx, actor, 'account.delete', `account:${id}`, row, undefined)
  })
}

export async function recordLogin(db: Db, id: number, at: Date): Promise<void> {
  await db.update(accounts).set({ lastLoginAt: at }).where(eq(accounts.id, id))
}

export interface CreateLoginSessionParameters {
  /** SHA-256 (hex) of the cookie's random token. */
  tokenHash: string
  accountId: number
  expiresAt: Date
}

export async function createLoginSession(db: Db, parameters: CreateLoginSessionParameters): Promise<void> {
  await db.insert(loginSessions).values(parameters)
}

/** The account a session token's hash signs in, if the session exists and has not expired at `now`. */
export async function findLoginSession(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<AccountView | undefined> {
  const [row] = await db
    .select(view)
    .from(loginSessions)
    .innerJoin(accounts, eq(accounts.id, loginSessions.accountId))
    .where(and(eq(loginSessions.tokenHash, tokenHash), gt(loginSessions.expiresAt, now)))
  return row
}

export async function deleteLoginSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(loginSessions).where(eq(loginSessions.tokenHash, tokenHash))
}

/** Forgets sessions that expired by `now`; returns how many. */
export async function deleteExpiredLoginSessions(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(loginSessions)
    .where(lte(loginSessions.expiresAt, now))
    .returning({ tokenHash: loginSessions.tokenHash })
  return rows.length
}

export interface CreateApiTokenParameters {
  accountId: number
  name: string
  /** SHA-256 (hex) of the token handed out once; the token itself is not stored. */
  tokenHash: string
  expiresAt?: Date | null
}

/** An API token as listed: never its hash. */
export type ApiTokenView = Omit<ApiToken, 'tokenHash'>

const tokenView = {
  id: apiTokens.id,
  accountId: apiTokens.accountId,
  name: apiTokens.name,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
}

export async function createApiToken(
  db: Db,
  parameters: CreateApiTokenParameters,
  actor: Actor,
): Promise<ApiTokenView> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values(parameters)
      .returning(tokenView)
      .catch(conflict(`API token ${parameters.name}`, `account ${parameters.accountId} does not exist`))
    if (!row) throw new NotFoundError(`API token ${parameters.name}`)
    await writeAudit(tx, actor, 'token.create', `token:${row.id}`, undefined, row)
    return row
  })
}

/**
 * The account an API token's hash acts for, if the token exists and has not expired at `now`; marks it used.
 */
export async function useApiToken(db: Db, tokenHash: string, now: Date): Promise<AccountView | undefined> {
  const [token] = await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(eq(apiTokens.tokenHash, tokenHash), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))),
    )
    .returning({ accountId: apiTokens.accountId })
  if (!token) return undefined
  const [account] = await db.select(view).from(accounts).where(eq(accounts.id, token.accountId))
  return account
}

export async function listApiTokens(db: Db, accountId?: number): Promise<ApiTokenView[]> {
  return db
    .select(tokenView)
    .from(apiTokens)
    .where(accountId === undefined ? undefined : eq(apiTokens.accountId, accountId))
    .orderBy(asc(apiTokens.id))
}

export async function deleteApiToken(db: Db, id: number, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(apiTokens).where(eq(apiTokens.id, id)).returning(tokenView)
    if (!row) throw new NotFoundError(`API token ${id}`)
    await writeAudit(tx, actor, 'token.delete', `token:${id}`, row, undefined)
  })
}
