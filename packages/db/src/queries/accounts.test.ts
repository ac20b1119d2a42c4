// Accounts: a username is taken once; sign-in finds the hash, every other read leaves it out; sessions and tokens
// work until they expire (break: `gt` → `gte` on expiresAt and "expires" fails at the exact instant) and go with
// their account; a password change signs the account out; each change is logged without hashes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { ConflictError } from '../errors.js'
import { testEngines } from '../testing/index.js'
import {
  countAccounts,
  createAccount,
  createApiToken,
  createLoginSession,
  deleteAccount,
  deleteApiToken,
  deleteExpiredLoginSessions,
  deleteLoginSession,
  findAccountForLogin,
  findLoginSession,
  listAccounts,
  listApiTokens,
  updateAccount,
  useApiToken,
} from './accounts.js'
import { listAuditLog } from './audit.js'

const cli = { accountId: null, name: 'cli' }
const now = new Date(Date.UTC(2026, 8, 1, 12))
const later = (ms: number) => new Date(now.getTime() + ms)

for (const engine of testEngines) {
  describe(`accounts on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    it('creates accounts once per name and shows hashes only to sign-in', async () => {
      const { db } = database
      expect(await countAccounts(db, 'admin')).toBe(0)
      const admin = await createAccount(
        db,
        { username: 'admin', passwordHash: '$argon2id$a', role: 'admin' },
        cli,
      )
      await createAccount(
        db,
        { username: 'li', passwordHash: '$argon2id$l', role: 'viewer' },
        { accountId: admin.id, name: 'admin' },
      )
      await expect(
        createAccount(db, { username: 'admin', passwordHash: '$argon2id$b', role: 'viewer' }, cli),
      ).rejects.toBeInstanceOf(ConflictError)
      expect(await countAccounts(db, 'admin')).toBe(1)
      expect((await findAccountForLogin(db, 'admin'))?.passwordHash).toBe('$argon2id$a')
      expect(await findAccountForLogin(db, 'nobody')).toBeUndefined()
      const listed = await listAccounts(db)
      expect(listed.map((account) => [account.username, account.role])).toEqual([
        ['admin', 'admin'],
        ['li', 'viewer'],
      ])
      expect(JSON.stringify(listed)).not.toContain('argon2id')
    })

    it('keeps a session until it expires, and a password change ends it', async () => {
      const { db } = database
      const account = await findAccountForLogin(db, 'li')
      if (!account) throw new Error('li was created above')
      await createLoginSession(db, { tokenHash: 's1', accountId: account.id, expiresAt: later(1000) })
      await createLoginSession(db, { tokenHash: 's2', accountId: account.id, expiresAt: later(5000) })
      expect((await findLoginSession(db, 's1', now))?.username).toBe('li')
      expect(await findLoginSession(db, 's1', later(1000))).toBeUndefined()
      expect(await deleteExpiredLoginSessions(db, later(1000))).toBe(1)
      await deleteLoginSession(db, 's2')
      expect(await findLoginSession(db, 's2', now)).toBeUndefined()

      await createLoginSession(db, { tokenHash: 's3', accountId: account.id, expiresAt: later(5000) })
      await updateAccount(db, account.id, { passwordHash: '$argon2id$new' }, cli)
      expect(await findLoginSession(db, 's3', now)).toBeUndefined()
      const log = await listAuditLog(db, { subject: `account:${account.id}`, limit: 1 })
      expect(log[0]?.after).toMatchObject({ username: 'li', password: 'changed' })
      expect(JSON.stringify(log)).not.toContain('argon2id')
    })

    it('lets an API token act until it expires or is deleted, and marks its use', async () => {
      const { db } = database
      const admin = await findAccountForLogin(db, 'admin')
      if (!admin) throw new Error('admin was created above')
      const token = await createApiToken(
        db,
        { accountId: admin.id, name: 'export script', tokenHash: 't1', expiresAt: later(60_000) },
        cli,
      )
      expect(await useApiToken(db, 't1', now)).toMatchObject({ username: 'admin', role: 'admin' })
      expect(await useApiToken(db, 't1', later(60_000))).toBeUndefined()
      expect(await useApiToken(db, 'unknown', now)).toBeUndefined()
      const [listed] = await listApiTokens(db, admin.id)
      expect(listed).toMatchObject({ name: 'export script', lastUsedAt: now })
      expect(listed && 'tokenHash' in listed).toBe(false)
      await deleteApiToken(db, token.id, cli)
      expect(await useApiToken(db, 't1', now)).toBeUndefined()
    })

    it('deletes an account with its sessions and tokens, keeping its name in the log', async () => {
      const { db } = database
      const account = await createAccount(
        db,
        { username: 'temp', passwordHash: '$argon2id$t', role: 'viewer' },
        cli,
      )
      await createLoginSession(db, { tokenHash: 'temp-s', accountId: account.id, expiresAt: later(1000) })
      await createApiToken(
        db,
        { accountId: account.id, name: 'x', tokenHash: 'temp-t' },
        { accountId: account.id, name: 'temp' },
      )
      await deleteAccount(db, account.id, cli)
      expect(await findLoginSession(db, 'temp-s', now)).toBeUndefined()
      expect(await useApiToken(db, 'temp-t', now)).toBeUndefined()
      const entries = await listAuditLog(db, { subject: `token:${account.id}` })
      expect(entries.every((entry) => entry.accountId === null)).toBe(true)
      expect(
        (await listAuditLog(db)).find((entry) => entry.action === 'token.create' && entry.actor === 'temp'),
      ).toMatchObject({
        accountId: null,
        actor: 'temp',
      })
    })
  })
}
