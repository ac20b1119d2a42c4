// Migration 0004 (chargers.disconnected_at) on a database that has chargers: a connection recorded before it never
// recorded its close, so the charger counts as disconnected at that connection's time, not connected forever; a
// charger that never connected stays without either time.
// Break tried: drop the migration's UPDATE (the connected-before charger lists as connected).
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from './database.js'
import { migrations } from './generated/migrations.js'
import { migrate } from './migrate.js'
import { openDatabase } from './open.js'
import { listChargers } from './queries/chargers.js'
import { createScratchDatabase, insertPile, type ScratchDatabase, testDatabaseUrl } from './testing/index.js'

const before = migrations.findIndex((migration) => migration.tag === '0004_charger_disconnected_at')
const connectedAt = new Date(Date.UTC(2026, 10, 1, 8))

/** A database with no migrations applied yet; on PostgreSQL a scratch database of its own, dropped after. */
interface Unmigrated {
  database: Database
  scratch?: ScratchDatabase
}

const engines: { name: string; open(): Promise<Unmigrated> }[] = [
  {
    name: 'pglite',
    open: async () => ({ database: await openDatabase({ engine: 'pglite' }, { migrate: false }) }),
  },
  ...(testDatabaseUrl === undefined
    ? []
    : [
        {
          name: 'postgres',
          async open() {
            const scratch = await createScratchDatabase(testDatabaseUrl ?? '')
            const url = scratch.url
            return { database: await openDatabase({ engine: 'postgres', url }, { migrate: false }), scratch }
          },
        },
      ]),
]

for (const engine of engines) {
  describe(`migration 0004 on ${engine.name}`, () => {
    let opened: Unmigrated
    beforeAll(async () => {
      opened = await engine.open()
    })
    afterAll(async () => {
      await opened?.database.close()
      await opened?.scratch?.drop()
    })

    it('counts connections recorded before it as closed', async () => {
      const { db } = opened.database
      expect(before).toBeGreaterThan(0)
      await migrate(db, migrations.slice(0, before))
      const [seen, never] = [
        await insertPile(db, { dmid: 'DM-SEEN' }),
        await insertPile(db, { dmid: 'DM-NEVER' }),
      ]
      await db.execute(sql`
        insert into chargers (id, pile_id, password_hash, last_connected_at)
        values ('CP-SEEN', ${seen.id}, 'x', ${connectedAt.toISOString()}), ('CP-NEVER', ${never.id}, 'x', null)`)
      await migrate(db)
      const listed = (await listChargers(db)).map(({ id, connected, lastConnectedAt, disconnectedAt }) => ({
        id,
        connected,
        lastConnectedAt,
        disconnectedAt,
      }))
      expect(listed).toEqual([
        { id: 'CP-NEVER', connected: false, lastConnectedAt: null, disconnectedAt: null },
        { id: 'CP-SEEN', connected: false, lastConnectedAt: connectedAt, disconnectedAt: connectedAt },
      ])
    })
  })
}
