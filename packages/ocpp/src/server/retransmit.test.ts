// Must show — a charger that lost the server's answers sends its transaction messages again (OCPP 1.6 requires
// them delivered), on the same connection and on a new one: the server stores each reading once, announces it
// once, and a StopTransaction sent again leaves the order as the first left it. A charger of bare `ws` frames.
// Break tried, failing here: insert `from batch` without `where not again` in recordMeterValues (the MeterValues
// and the StopTransaction's transactionData sent again become second rows).
import { connectors, type Database, type LiveEvent, liveChannel, meterValues, orders } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRawCharger, type RawCharger } from '../testing/rawCharger.js'
import { addTestCharger, addTestTag, type ServedOcpp, serveOcpp } from '../testing/serve.js'

const t0 = new Date(Date.UTC(2026, 6, 1, 9))
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)
const iso = (seconds: number) => at(seconds).toISOString()
const energy = (seconds: number, wh: number) => ({
  timestamp: iso(seconds),
  sampledValue: [
    { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
    { value: '6.5', measurand: 'Power.Active.Import', unit: 'kW' },
  ],
})

for (const engine of testEngines) {
  describe(`transaction messages sent again on ${engine.name}`, () => {
    let database: Database
    let served: ServedOcpp
    let pileId: number
    const live: LiveEvent[] = []

    beforeAll(async () => {
      database = await engine.open()
      await database.listen(liveChannel, { onMessage: (payload) => live.push(JSON.parse(payload)) })
      ;({ pileId } = await addTestCharger(database, 'CP-AGAIN', 'again-charger-password-1', {
        ratedPowerW: 7000,
      }))
      await addTestTag(database, 'TAG-1')
      served = await serveOcpp(database)
    })
    afterAll(async () => {
      await served?.close()
      await database?.close()
    })

    const connect = () =>
      openRawCharger({
        endpoint: served.endpoint,
        identity: 'CP-AGAIN',
        password: 'again-charger-password-1',
      })
    const ok = async (charger: RawCharger, action: string, payload: unknown) => {
      const answer = await charger.call(action, payload)
      if (!answer.ok) throw new Error(`${action} failed: ${answer.code} ${answer.description}`)
      return answer.payload
    }
    const readings = async () =>
      (
        await database.db
          .select()
          .from(meterValues)
          .where(eq(meterValues.pileId, pileId))
          .orderBy(asc(meterValues.id))
      ).map((r) => [r.connector, r.orderId, r.measuredAt, r.energyWh, r.powerW, r.flag])

    it('stores MeterValues and StopTransaction sent again once, on the same connection and a new one', async () => {
      const first = await connect()
      const start = { connectorId: 1, idTag: 'TAG-1', meterStart: 1000, timestamp: iso(0) }
      const { transactionId } = (await ok(first, 'StartTransaction', start)) as { transactionId: number }
      expect(await ok(first, 'StartTransaction', start)).toEqual({
        transactionId,
        idTagInfo: { status: 'Accepted' },
      })

      const meter = { connectorId: 1, transactionId, meterValue: [energy(60, 1100), energy(120, 1200)] }
      expect(await ok(first, 'MeterValues', meter)).toEqual({})
      expect(await ok(first, 'MeterValues', meter)).toEqual({})
      // The charger's queue sends again what it holds, the answered message's last reading beside a new one.
      const mixed = { connectorId: 1, transactionId, meterValue: [energy(120, 1200), energy(180, 1300)] }
      expect(await ok(first, 'MeterValues', mixed)).toEqual({})
      const stop = {
        transactionId,
        meterStop: 1400,
        timestamp: iso(240),
        reason: 'Local',
        transactionData: [energy(180, 1300), energy(240, 1400)],
      }
      expect(await ok(first, 'StopTransaction', stop)).toEqual({})
      expect(await ok(first, 'StopTransaction', stop)).toEqual({})
      const [stopped] = await database.db.select().from(orders).where(eq(orders.id, transactionId))
      const expected = [
        [1, transactionId, at(60), 1100, 6500, null],
        [1, transactionId, at(120), 1200, 6500, null],
        [1, transactionId, at(180), 1300, 6500, null],
        [1, transactionId, at(240), 1400, 6500, null],
      ]
      expect(await readings()).toEqual(expected)
      await first.close()

      // The connection dropped before the answers came: the charger sends them all again on its next one.
      const second = await connect()
      expect(await ok(second, 'MeterValues', meter)).toEqual({})
      expect(await ok(second, 'MeterValues', mixed)).toEqual({})
      expect(await ok(second, 'StopTransaction', stop)).toEqual({})
      await second.close()

      expect(await readings()).toEqual(expected)
      const [order] = await database.db.select().from(orders).where(eq(orders.id, transactionId))
      expect(order).toEqual(stopped)
      expect(order).toMatchObject({
        kind: 'ocpp',
        pileId,
        connector: 1,
        state: 'settled',
        openedAt: at(0),
        endedAt: at(240),
        meterStartWh: 1000,
        meterStopWh: 1400,
        energyWh: 400,
        stopReason: 'Local',
      })
      expect(await database.db.select().from(orders)).toHaveLength(1)
      const rows = await database.db.select().from(connectors).where(eq(connectors.pileId, pileId))
      expect(rows.map((r) => [r.connector, r.meterWh, r.meterAt, r.orderId])).toEqual([
        [1, 1400, at(240), null],
      ])
      // Each reading announced once. The order's state is announced on every start and stop, sent again or not.
      const announced = (event: LiveEvent) => event.type === 'meter' || event.type === 'order'
      await expect
        .poll(() => live.filter(announced), { timeout: 5_000 })
        .toEqual([
          { type: 'order', orderId: transactionId, pileId, state: 'charging' },
          { type: 'order', orderId: transactionId, pileId, state: 'charging' },
          ...[
            [60, 1100],
            [120, 1200],
            [180, 1300],
            [240, 1400],
          ].map(([seconds = 0, energyWh]) => ({
            type: 'meter',
            pileId,
            connector: 1,
            orderId: transactionId,
            energyWh,
            powerW: 6500,
            at: iso(seconds),
          })),
          { type: 'order', orderId: transactionId, pileId, state: 'settled' },
          { type: 'order', orderId: transactionId, pileId, state: 'settled' },
          { type: 'order', orderId: transactionId, pileId, state: 'settled' },
        ])
    })
  })
}
