// Meter values through the database: a counted reading becomes the connector's reference, a flagged one is stored
// with its flag and changes nothing (SteVe #1297: a meterStop below meterStart is flagged, not billed). Break: make
// recordMeterValue update the connector for flagged readings too, and "a flagged reading leaves the reference" fails.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { NotFoundError } from '../errors.js'
import { connectors } from '../schema/index.js'
import { insertOrder, insertPile, testEngines } from '../testing/index.js'
import { iterateMeterValues, listMeterValues, recordMeterValue } from './meterValues.js'

const t = (seconds: number) => new Date(Date.UTC(2026, 6, 1, 9) + seconds * 1000)

for (const engine of testEngines) {
  describe(`meter values on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    it('counts plausible readings and flags the rest, keeping the last counted one as reference', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 7000 })
      const order = await insertOrder(db, { pileId: pile.id, kind: 'ocpp', state: 'charging' })
      const read = (seconds: number, energyWh: number) =>
        recordMeterValue(db, {
          pileId: pile.id,
          connector: 1,
          orderId: order.id,
          measuredAt: t(seconds),
          energyWh,
        })

      const flags = [
        await read(0, 5000), // meterStart
        await read(60, 5100),
        await read(120, 9999), // a jump 7 kW cannot explain in a minute
        await read(120, 5200), // judged against 5100 at 60 s, not the flagged 9999: counted
        await read(100, 5250), // earlier than the reference
        await read(180, 4000), // meterStop below meterStart (SteVe #1297)
        await read(240, 5300),
      ].map((result) => result.flag)
      expect(flags).toEqual([null, null, 'implausibleJump', null, 'notAfterPrevious', 'decreasing', null])

      const [connector] = await db
        .select()
        .from(connectors)
        .where(and(eq(connectors.pileId, pile.id), eq(connectors.connector, 1)))
      expect([connector?.meterWh, connector?.meterAt]).toEqual([5300, t(240)])

      const { meterValues } = await listMeterValues(db, { orderId: order.id })
      expect(meterValues.map((value) => [value.energyWh, value.flag])).toEqual([
        [5000, null],
        [5100, null],
        [5250, 'notAfterPrevious'],
        [9999, 'implausibleJump'],
        [5200, null],
        [4000, 'decreasing'],
        [5300, null],
      ])
    })

    it('a flagged reading leaves the reference where it was', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 3500 })
      await recordMeterValue(db, { pileId: pile.id, connector: 1, measuredAt: t(0), energyWh: 100 })
      await recordMeterValue(db, { pileId: pile.id, connector: 1, measuredAt: t(10), energyWh: 50 })
      // Judged against 100 at t(0), not 50 at t(10): 3.5 kW × 1.1 for 20 s is 21.4 Wh, +10 Wh of resolution.
      expect(
        (await recordMeterValue(db, { pileId: pile.id, connector: 1, measuredAt: t(20), energyWh: 131 }))
          .flag,
      ).toBe(null)
      expect(
        (await recordMeterValue(db, { pileId: pile.id, connector: 1, measuredAt: t(30), energyWh: 160 }))
          .flag,
      ).toBe('implausibleJump')
    })

    it('refuses a reading for a pile that does not exist', async () => {
      await expect(
        recordMeterValue(database.db, { pileId: 999_999, connector: 1, measuredAt: t(0), energyWh: 1 }),
      ).rejects.toBeInstanceOf(NotFoundError)
    })

    it('pages a pile’s readings in time order', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 22_000 })
      for (let i = 0; i < 25; i++)
        await recordMeterValue(db, {
          pileId: pile.id,
          connector: 1 + (i % 2),
          measuredAt: t(Math.floor(i / 2) * 10),
          energyWh: i * 10,
        })
      const first = await listMeterValues(db, { pileId: pile.id, limit: 10 })
      expect(first.meterValues).toHaveLength(10)
      const all = []
      for await (const value of iterateMeterValues(db, { pileId: pile.id })) all.push(value)
      expect(all.map((value) => value.energyWh)).toEqual(Array.from({ length: 25 }, (_, i) => i * 10))
      let paged: number[] = []
      let cursor: string | undefined
      do {
        const page = await listMeterValues(db, { pileId: pile.id, limit: 7, ...(cursor ? { cursor } : {}) })
        paged = [...paged, ...page.meterValues.map((value) => value.id)]
        cursor = page.nextCursor
      } while (cursor)
      expect(paged).toEqual(all.map((value) => value.id))
    })
  })
}
