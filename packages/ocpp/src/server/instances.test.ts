// Must show — two instances: a remote stop sent through instance B reaches a charger connected to instance A, and
// the charger's refusal, its silence and an answer too big for one notification come back to B as they would
// locally; a charger nobody holds is offline; a charger that reconnects to B closes its older connection on A,
// whose close then leaves the connectors alone. On PostgreSQL (TEST_DATABASE_URL): two databases opened on one
// scratch database, each with its own pool and listener. On PGlite: two servers on one in-process database.
// Breaks tried, each failing here: `holds` answering false (B's stop is ChargerOfflineError); sending the whole
// answer as one part (GetConfiguration's 20 kB answer exceeds the notification limit: CommandTimeoutError);
// `connectedElsewhere` doing nothing ("a reconnect to B closes the connection on A").
import { connectors, type Database, openDatabase } from '@chargechain/db'
import { createScratchDatabase, testDatabaseUrl } from '@chargechain/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChargerOfflineError, ChargerRejectedError, CommandTimeoutError } from '../errors.js'
import { openRawCharger, type RawCharger } from '../testing/rawCharger.js'
import { addTestCharger, type ServedOcpp, serveOcpp } from '../testing/serve.js'

interface Setup {
  name: string
  open(): Promise<{ a: Database; b: Database; close(): Promise<void> }>
}

const setups: Setup[] = [
  {
    name: 'pglite (one process)',
    async open() {
      const database = await openDatabase({ engine: 'pglite' })
      return { a: database, b: database, close: () => database.close() }
    },
  },
  ...(testDatabaseUrl === undefined
    ? []
    : [
        {
          name: 'postgres (two pools, two listeners)',
          async open() {
            const scratch = await createScratchDatabase(testDatabaseUrl ?? '')
            const a = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 4 })
            const b = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 4 })
            return {
              a,
              b,
              async close() {
                await Promise.all([a.close(), b.close()])
                await scratch.drop()
              },
            }
          },
        },
      ]),
]

for (const setup of setups) {
  describe(`two OCPP instances on ${setup.name}`, () => {
    let databases: Awaited<ReturnType<Setup['open']>>
    let a: ServedOcpp
    let b: ServedOcpp
    let pileId: number
    let charger: RawCharger
    const password = 'two-instances-password'

    beforeAll(async () => {
      databases = await setup.open()
      ;({ pileId } = await addTestCharger(databases.a, 'CP-TWO', password, { guns: 1 }))
      a = await serveOcpp(databases.a, { instanceId: 'A' })
      b = await serveOcpp(databases.b, { instanceId: 'B' })
      charger = await openRawCharger({ endpoint: a.endpoint, identity: 'CP-TWO', password })
    })
    afterAll(async () => {
      await charger?.close()
      await a?.close()
      await b?.close()
      await databases?.close()
    })

    it('a remote stop sent through B reaches the charger on A', async () => {
      await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' })
      const start = await charger.call('StartTransaction', {
        connectorId: 1,
        idTag: 'ANY',
        meterStart: 0,
        timestamp: new Date().toISOString(),
      })
      if (!start.ok) throw new Error(start.code)
      const { transactionId } = start.payload as { transactionId: number }
      charger.answer('RemoteStopTransaction', () => ({ status: 'Accepted' }))
      expect([a.ocpp.connectedChargers(), b.ocpp.connectedChargers()]).toEqual([['CP-TWO'], []])
      await b.ocpp.commands.remoteStop(transactionId)
      expect(charger.received).toEqual([['RemoteStopTransaction', { transactionId }]])
    })

    it('brings back a refusal, a silence and a large answer; a charger nobody holds is offline', async () => {
      charger.answer('ChangeAvailability', () => ({ status: 'Rejected' }))
      await expect(b.ocpp.commands.changeAvailability(pileId, 1, 'Inoperative')).rejects.toMatchObject({
        constructor: ChargerRejectedError,
        status: 'Rejected',
      })
      // No answer for Reset: A times the charger out and says so.
      await expect(b.ocpp.commands.reset(pileId, 'Soft', { timeoutMs: 800 })).rejects.toBeInstanceOf(
        CommandTimeoutError,
      )
      const configurationKey = Array.from({ length: 40 }, (_, i) => ({
        key: `Key${i}`,
        readonly: false,
        value: 'v'.repeat(480),
      }))
      charger.answer('GetConfiguration', () => ({ configurationKey, unknownKey: [] }))
      expect(await b.ocpp.commands.getConfiguration(pileId)).toEqual({ configurationKey, unknownKey: [] })
      await expect(b.ocpp.commands.send('CP-NOBODY', 'Reset', { type: 'Hard' })).rejects.toBeInstanceOf(
        ChargerOfflineError,
      )
    })

    it('a reconnect to B closes the connection on A, whose close leaves the connectors alone', async () => {
      const again = await openRawCharger({ endpoint: b.endpoint, identity: 'CP-TWO', password })
      expect((await charger.closed).reason).toBe('Replaced by a newer connection')
      await again.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' })
      await expect.poll(() => a.ocpp.connectedChargers()).toEqual([])
      expect(b.ocpp.connectedChargers()).toEqual(['CP-TWO'])
      // A has written its close by the time it closes.
      await a.close()
      const rows = await databases.b.db.select().from(connectors)
      expect(rows.map((row) => row.status)).toEqual(['available'])
      again.answer('UnlockConnector', () => ({ status: 'Unlocked' }))
      await b.ocpp.commands.unlockConnector(pileId, 1)
      await again.close()
    })
  })
}
