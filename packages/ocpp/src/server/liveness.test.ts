// An OCPP server instance's own row in ocpp_instances, on both engines: it is there while the instance runs and gone
// after a clean close; an instance starting under a name an earlier run used closes what that run left open (the
// charger disconnected, its connectors offline, the close's live events); an instance whose row others removed
// (they took it for gone and closed its connections' records) closes its connections (1012) and registers again,
// and the charger that reconnects counts as connected.
// Breaks tried: startInstanceLiveness not closing the connections under its own name at start ("an earlier run":
// the charger stays connected); `onPresumedGone` doing nothing ("others took it for gone": no close arrives).
import {
  type Database,
  type LiveEvent,
  listChargers,
  liveChannel,
  ocppInstances,
  recordChargerConnected,
  setConnectorStatus,
} from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRawCharger } from '../testing/rawCharger.js'
import { addTestCharger, serveOcpp } from '../testing/serve.js'

const password = 'liveness-password-1'
const at = new Date(Date.UTC(2026, 11, 1, 8))

for (const engine of testEngines) {
  describe(`an OCPP instance's liveness row on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    const rows = async () =>
      (await database.db.select({ id: ocppInstances.id }).from(ocppInstances)).map((row) => row.id).sort()
    const listed = async (id: string) => {
      const charger = (await listChargers(database.db)).find((row) => row.id === id)
      return { connected: charger?.connected, left: charger?.disconnectedAt !== null }
    }

    it('is there while the instance runs, gone after a clean close', async () => {
      const served = await serveOcpp(database, { instanceId: 'CLEAN' })
      expect(await rows()).toEqual(['CLEAN'])
      await served.close()
      expect(await rows()).toEqual([])
    })

    it('an earlier run under the same name: what it left open is closed at start', async () => {
      const { pileId } = await addTestCharger(database, 'CP-EARLIER', password, { guns: 1 })
      await setConnectorStatus(database.db, { pileId, connector: 1, status: 'available', at })
      await recordChargerConnected(database.db, 'CP-EARLIER', at, 'AGAIN')
      const events: LiveEvent[] = []
      const unlisten = await database.listen(liveChannel, {
        onMessage: (payload) => events.push(JSON.parse(payload)),
      })
      const served = await serveOcpp(database, { instanceId: 'AGAIN' })
      try {
        expect(await listed('CP-EARLIER')).toEqual({ connected: false, left: true })
        await expect
          .poll(() => events.map((event) => ('status' in event ? [event.type, event.status] : [event.type])))
          .toEqual([['charger'], ['connector', 'offline']])
        expect(events[0]).toEqual({ type: 'charger', chargerId: 'CP-EARLIER', pileId, connected: false })
      } finally {
        await unlisten()
        await served.close()
      }
    })

    it('others took it for gone: it closes its connections and registers again', async () => {
      await addTestCharger(database, 'CP-GONE', password, { guns: 1 })
      const served = await serveOcpp(database, {
        instanceId: 'PRESUMED',
        instanceRefreshMs: 200,
        instanceLapseMs: 5_000,
      })
      try {
        const charger = await openRawCharger({ endpoint: served.endpoint, identity: 'CP-GONE', password })
        await expect.poll(() => listed('CP-GONE')).toEqual({ connected: true, left: false })
        // What a reaping instance does to the row (the chargers' records are closed with it).
        await database.db.delete(ocppInstances).where(eq(ocppInstances.id, 'PRESUMED'))
        expect(await charger.closed).toEqual({ code: 1012, reason: 'Server instance restarting' })
        await expect.poll(() => rows()).toEqual(['PRESUMED'])
        const again = await openRawCharger({ endpoint: served.endpoint, identity: 'CP-GONE', password })
        await expect.poll(() => listed('CP-GONE')).toEqual({ connected: true, left: false })
        await again.close()
      } finally {
        await served.close()
      }
    })
  })
}
