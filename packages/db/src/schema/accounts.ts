import { bigint, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, instant } from './columns.js'
import { accountRole } from './enums.js'

/** People who operate the server: an admin changes things, a viewer only reads. */
export const accounts = pgTable('accounts', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  username: text().notNull().unique(),
  /** A PHC string (`$argon2id$…`); never the password. */
  passwordHash: text().notNull(),
  role: accountRole().notNull(),
  createdAt: createdAt(),
  lastLoginAt: instant(),
})

/** Logged-in browser sessions, found by the SHA-256 of the cookie's token (the token itself is not stored). */
export const loginSessions = pgTable(
  'login_sessions',
  {
    tokenHash: text().primaryKey(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: instant().notNull(),
  },
  (table) => [index().on(table.accountId), index().on(table.expiresAt)],
)

/** Tokens for scripts, found by their SHA-256; they act with their account's role. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    createdAt: createdAt(),
    expiresAt: instant(),
    lastUsedAt: instant(),
  },
  (table) => [index().on(table.accountId)],
)

/** Every change an operator (or the command line) made: who, what, and the row before and after. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: createdAt(),
    /** Null once the account is deleted; `actor` keeps the name. */
    accountId: integer().references(() => accounts.id, { onDelete: 'set null' }),
    /** The account's username, or `cli` / `system`. */
    actor: text().notNull(),
    /** What was done: `pile.update`, `charger.add`, `account.create`… */
    action: text().notNull(),
    /** What it was done to: `pile:12`, `charger:CP-7`, `tag:04A1B2`… */
    subject: text().notNull(),
    before: jsonb(),
    after: jsonb(),
  },
  (table) => [index().on(table.subject, table.id)],
)
