// Must show — liveness of OCPP server instances, at the queries: a charger is connected only while the instance
// holding it refreshes its row; once that row lapses, reapLapsedInstances closes its connections (disconnectedAt,
// its pile's connectors offline) and removes the row, and leaves alone a charger that reconnected to a live instance
// before or while it ran. Two instances reaping at once close each connection once. An instance whose row was reaped
// learns it on its next refresh.
// Breaks tried, each failing here on both engines: closeInstanceConnections matching `isNotNull(instanceId)`
// instead of the lapsed instances (the moved charger goes offline); listChargers' `connected` without
// `instanceAlive` (the lapsed charger lists as connected); reapLapsedInstances not deleting the lapsed rows (the
// second reap, and the other racer, reap DEAD again).
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { chargers, connectors, ocppInstances } from '../schema/index.js'
import { insertPile, testEngines } from '../testing/index.js'
import { listChargers, recordChargerConnected } from './chargers.js'
import { reapLapsedInstances, refreshInstance, registerInstance } from './instances.js'
import { setConnectorStatus } from './piles.js'

const t = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 9) + seconds * 1000)
const lapseMs = 30_000

for (const engine of testEngines) {
  describe(`OCPP instance liveness on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    /** A pile with a charger `id` and connectors 1..n `available`; the charger connected at t(1) on `instance`. */
    async function connectedCharger(id: string, instance: string, guns = 1): Promise<number> {
      const { db } = database
      const pile = await insertPile(db, { dmid: `DM-${id}`, guns })
      await db.insert(chargers).values({ id, pileId: pile.id, passwordHash: 'x' })
      for (let connector = 1; connector <= guns; connector++)
        await setConnectorStatus(db, { pileId: pile.id, connector, status: 'available', at: t(0) })
      await recordChargerConnected(db, id, t(1), instance)
      return pile.id
    }
    /** Makes `instance`'s row an hour old: lapsed. */
    const lapse = (instance: string) =>
      database.db
        .update(ocppInstances)
        .set({ aliveAt: sql`now() - interval '1 hour'` })
        .where(eq(ocppInstances.id, instance))
    const listed = async (ids: string[]) =>
      (await listChargers(database.db, lapseMs))
        .filter((row) => ids.includes(row.id))
        .map((row) => [row.id, row.connected, row.disconnectedAt])
    const statuses = async (pileId: number) =>
      (await database.db.select().from(connectors).where(eq(connectors.pileId, pileId)))
        .sort((x, y) => x.connector - y.connector)
        .map((row) => [row.connector, row.status, row.statusAt])
    const instances = async () =>
      (await database.db.select({ id: ocppInstances.id }).from(ocppInstances)).map((row) => row.id).sort()

    it("a lapsed instance's chargers go offline; one that reconnected to a live instance stays connected", async () => {
      const { db } = database
      await registerInstance(db, 'DEAD')
      await registerInstance(db, 'LIVE')
      const gone = await connectedCharger('CP-GONE', 'DEAD', 2)
      const moved = await connectedCharger('CP-MOVED', 'DEAD')
      await recordChargerConnected(db, 'CP-MOVED', t(2), 'LIVE')
      const ids = ['CP-GONE', 'CP-MOVED']
      expect(await listed(ids)).toEqual([
        ['CP-GONE', true, null],
        ['CP-MOVED', true, null],
      ])

      await lapse('DEAD')
      // Not connected from the moment the row lapses, before anyone took it offline.
      expect(await listed(ids)).toEqual([
        ['CP-GONE', false, null],
        ['CP-MOVED', true, null],
      ])
      const reaped = await reapLapsedInstances(db, { self: 'LIVE', lapseMs, at: t(10) })
      expect({
        instances: reaped.instances,
        chargers: reaped.chargers.map((row) => ({
          ...row,
          connectors: row.connectors.map((c) => [c.connector, c.status, c.statusAt]),
        })),
      }).toEqual({
        instances: ['DEAD'],
        chargers: [
          {
            chargerId: 'CP-GONE',
            pileId: gone,
            connectors: [
              [1, 'offline', t(10)],
              [2, 'offline', t(10)],
            ],
          },
        ],
      })
      expect(await listed(ids)).toEqual([
        ['CP-GONE', false, t(10)],
        ['CP-MOVED', true, null],
      ])
      expect(await statuses(gone)).toEqual([
        [1, 'offline', t(10)],
        [2, 'offline', t(10)],
      ])
      expect(await statuses(moved)).toEqual([[1, 'available', t(0)]])
      expect(await instances()).toEqual(['LIVE'])
      expect(await reapLapsedInstances(db, { self: 'LIVE', lapseMs, at: t(11) })).toEqual({
        instances: [],
        chargers: [],
      })
    })

    it('a charger reconnecting elsewhere while the reap runs is left alone', async () => {
      const { db } = database
      await registerInstance(db, 'DEAD-2')
      const pile = await connectedCharger('CP-LATE', 'DEAD-2')
      await lapse('DEAD-2')
      // The reconnect holds the charger's row while the reap starts; on PostgreSQL the reap's UPDATE waits for it
      // and then sees the charger on LIVE (on PGlite the transactions take turns).
      let release = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let locked = () => {}
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve
      })
      const reconnect = db.transaction(async (tx) => {
        await recordChargerConnected(tx, 'CP-LATE', t(3), 'LIVE')
        locked()
        await held
      })
      await lockTaken
      const reap = reapLapsedInstances(db, { self: 'LIVE', lapseMs, at: t(12) })
      await new Promise((resolve) => setTimeout(resolve, 300))
      release()
      await reconnect
      expect(await reap).toEqual({ instances: ['DEAD-2'], chargers: [] })
      expect(await listed(['CP-LATE'])).toEqual([['CP-LATE', true, null]])
      expect(await statuses(pile)).toEqual([[1, 'available', t(0)]])
    })

    it('two instances reaping at once close each connection once', async () => {
      const { db } = database
      await registerInstance(db, 'X')
      await registerInstance(db, 'Y')
      await registerInstance(db, 'DEAD-3')
      const pile = await connectedCharger('CP-RACE', 'DEAD-3')
      await lapse('DEAD-3')
      const results = await Promise.all([
        reapLapsedInstances(db, { self: 'X', lapseMs, at: t(20) }),
        reapLapsedInstances(db, { self: 'Y', lapseMs, at: t(21) }),
      ])
      const [done, skipped] = [...results].sort((x, y) => y.instances.length - x.instances.length)
      expect(done?.instances).toEqual(['DEAD-3'])
      expect(done?.chargers.map((row) => [row.chargerId, row.pileId, row.connectors.length])).toEqual([
        ['CP-RACE', pile, 1],
      ])
      expect(skipped).toEqual({ instances: [], chargers: [] })
      const at = done === results[0] ? t(20) : t(21)
      expect(await listed(['CP-RACE'])).toEqual([['CP-RACE', false, at]])
      expect(await statuses(pile)).toEqual([[1, 'offline', at]])
      expect(await instances()).toEqual(['LIVE', 'X', 'Y'])
    })

    it('an instance whose row was reaped learns it on its next refresh; a fresh one is never reaped', async () => {
      const { db } = database
      await registerInstance(db, 'SLOW')
      expect(await refreshInstance(db, 'SLOW')).toBe(true)
      expect(await reapLapsedInstances(db, { self: 'X', lapseMs, at: t(30) })).toEqual({
        instances: [],
        chargers: [],
      })
      await lapse('SLOW')
      // Its own lapse is not its to reap.
      expect((await reapLapsedInstances(db, { self: 'SLOW', lapseMs, at: t(31) })).instances).toEqual([])
      expect((await reapLapsedInstances(db, { self: 'X', lapseMs, at: t(31) })).instances).toEqual(['SLOW'])
      expect(await refreshInstance(db, 'SLOW')).toBe(false)
    })
  })
}
