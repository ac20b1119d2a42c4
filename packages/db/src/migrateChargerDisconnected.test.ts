// Migration 0004 (chargers.disconnected_at) on a database that has chargers: a connection recorded before it never
// recorded its close, so the charger counts as disconnected at that connection's time, not connected forever; a
// charger that never connected stays without either time.
// Migration 0005 (ocpp_instances, chargers.instance_id): a connection open before it names no instance, so no
// instance's lapse would ever close it; the migration closes it and takes its pile's connectors offline, and leaves
// closed connections and other piles' connectors as they were.
// Breaks tried: drop 0004's UPDATE (the connected-before charger lists as connected); drop 0005's connectors UPDATE
// (CP-OPEN's connector stays available).
import { asc, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from './database.js'
import { migrations } from './generated/migrations.js'
import { migrate } from './migrate.js'
import { openDatabase } from './open.js'
import { listChargers } from './queries/chargers.js'
import { setConnectorStatus } from './queries/piles.js'
import { chargers, connectors } from './schema/index.js'
import { createScratchDatabase, insertPile, type ScratchDatabase, testDatabaseUrl } from './testing/index.js'

const before = migrations.findIndex((migration) => migration.tag === '0004_charger_disconnected_at')
const beforeInstances = migrations.findIndex((migration) => migration.tag === '0005_ocpp_instances')
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
  describe(`migrations 0004 and 0005 on ${engine.name}`, () => {
    let opened: Unmigrated
    let second: Unmigrated
    beforeAll(async () => {
      opened = await engine.open()
      second = await engine.open()
    })
    afterAll(async () => {
      for (const database of [opened, second]) {
        await database?.database.close()
        await database?.scratch?.drop()
      }
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

    it('0005 closes connections open before it, with their connectors', async () => {
      const { db } = second.database
      expect(beforeInstances).toBeGreaterThan(before)
      await migrate(db, migrations.slice(0, beforeInstances))
      const [open, closed] = [
        await insertPile(db, { dmid: 'DM-OPEN' }),
        await insertPile(db, { dmid: 'DM-CLOSED' }),
      ]
      await db.execute(sql`
        insert into chargers (id, pile_id, password_hash, last_connected_at, disconnected_at)
        values ('CP-OPEN', ${open.id}, 'x', ${connectedAt.toISOString()}, null),
               ('CP-CLOSED', ${closed.id}, 'x', ${connectedAt.toISOString()}, ${connectedAt.toISOString()})`)
      for (const pile of [open, closed])
        await setConnectorStatus(db, { pileId: pile.id, connector: 1, status: 'available', at: connectedAt })
      await migrate(db)
      const rows = await db
        .select({ id: chargers.id, disconnectedAt: chargers.disconnectedAt, instanceId: chargers.instanceId })
        .from(chargers)
        .orderBy(asc(chargers.id))
      expect(rows.map((row) => [row.id, row.disconnectedAt === null, row.instanceId])).toEqual([
        ['CP-CLOSED', false, null],
        ['CP-OPEN', false, null],
      ])
      expect(rows[0]?.disconnectedAt).toEqual(connectedAt)
      const statuses = await db.select().from(connectors).orderBy(asc(connectors.pileId))
      expect(
        statuses.map((row) => [row.pileId, row.status, row.statusAt?.getTime() === connectedAt.getTime()]),
      ).toEqual([
        [open.id, 'offline', false],
        [closed.id, 'available', true],
      ])
    })
  })
}
