// Chargers and id tags: credentials are found by identity, a second charger for a pile or an unknown pile is a
// ConflictError; the audit log records the change but never a hash (break: drop the REDACTED filter and
// "keeps hashes out of the log" fails); Authorize answers exactly as OCPP 1.6 expects for unknown, blocked,
// expired and valid tags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { ConflictError, NotFoundError } from '../errors.js'
import { insertPile, testEngines } from '../testing/index.js'
import { listAuditLog } from './audit.js'
import {
  addCharger,
  authorizeIdTag,
  findCharger,
  listIdTags,
  putIdTag,
  removeCharger,
  removeIdTag,
  setChargerPassword,
} from './chargers.js'

const operator = { accountId: null, name: 'cli' }
const now = new Date(Date.UTC(2026, 7, 1))

for (const engine of testEngines) {
  describe(`chargers and id tags on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    it('registers, finds, re-keys and removes a charger', async () => {
      const { db } = database
      const pile = await insertPile(db)
      await addCharger(db, { id: 'CP-1', pileId: pile.id, passwordHash: '$argon2id$one' }, operator)
      expect(await findCharger(db, 'CP-1')).toMatchObject({ pileId: pile.id, passwordHash: '$argon2id$one' })
      await expect(
        addCharger(db, { id: 'CP-1b', pileId: pile.id, passwordHash: '$argon2id$x' }, operator),
      ).rejects.toBeInstanceOf(ConflictError)
      await expect(
        addCharger(db, { id: 'CP-2', pileId: 999_999, passwordHash: '$argon2id$x' }, operator),
      ).rejects.toBeInstanceOf(ConflictError)
      await setChargerPassword(db, 'CP-1', '$argon2id$two', operator)
      expect((await findCharger(db, 'CP-1'))?.passwordHash).toBe('$argon2id$two')
      await removeCharger(db, 'CP-1', operator)
      expect(await findCharger(db, 'CP-1')).toBeUndefined()
      await expect(removeCharger(db, 'CP-1', operator)).rejects.toBeInstanceOf(NotFoundError)
    })

    it('keeps hashes out of the log', async () => {
      const log = await listAuditLog(database.db, { subject: 'charger:CP-1' })
      expect(log.map((entry) => entry.action)).toEqual(['charger.remove', 'charger.password', 'charger.add'])
      expect(JSON.stringify(log)).not.toContain('argon2id')
    })

    it('answers Authorize for unknown, accepted, blocked and expired tags', async () => {
      const { db } = database
      await putIdTag(db, { tag: 'CARD-OK', status: 'accepted', parentTag: 'FLEET' }, operator)
      await putIdTag(db, { tag: 'CARD-LOST', status: 'blocked' }, operator)
      await putIdTag(db, { tag: 'CARD-OLD', status: 'accepted', expiresAt: now }, operator)
      await putIdTag(
        db,
        { tag: 'CARD-NEW', status: 'accepted', expiresAt: new Date(now.getTime() + 1) },
        operator,
      )
      expect(await authorizeIdTag(db, 'NOBODY', now)).toEqual({ status: 'Invalid' })
      expect(await authorizeIdTag(db, 'CARD-OK', now)).toEqual({ status: 'Accepted', parentIdTag: 'FLEET' })
      expect(await authorizeIdTag(db, 'CARD-LOST', now)).toEqual({ status: 'Blocked' })
      expect(await authorizeIdTag(db, 'CARD-OLD', now)).toEqual({ status: 'Expired', expiryDate: now })
      expect(await authorizeIdTag(db, 'CARD-NEW', now)).toEqual({
        status: 'Accepted',
        expiryDate: new Date(now.getTime() + 1),
      })

      await putIdTag(db, { tag: 'CARD-OK', status: 'blocked' }, operator)
      expect(await authorizeIdTag(db, 'CARD-OK', now)).toEqual({ status: 'Blocked' })
      await removeIdTag(db, 'CARD-OK', operator)
      expect(await authorizeIdTag(db, 'CARD-OK', now)).toEqual({ status: 'Invalid' })
      expect((await listIdTags(db)).map((tag) => tag.tag)).toEqual(['CARD-LOST', 'CARD-NEW', 'CARD-OLD'])
      const log = await listAuditLog(db, { subject: 'tag:CARD-OK' })
      expect(log.map((entry) => entry.action)).toEqual(['tag.remove', 'tag.update', 'tag.add'])
      expect(log[1]?.before).toMatchObject({ status: 'accepted', parentTag: 'FLEET' })
      expect(log[1]?.after).toMatchObject({ status: 'blocked', parentTag: null })
    })
  })
}
