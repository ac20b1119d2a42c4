// Meter values through the database: a counted reading becomes the connector's reference, a flagged one is stored
// with its flag and changes nothing (SteVe #1297: a meterStop below meterStart is flagged, not billed). Break: make
// recordMeterValue update the connector for flagged readings too, and "a flagged reading leaves the reference" fails;
// stop chaining the reference inside a batch and "judges a batch exactly as one reading at a time" fails (tried);
// drop `for update` from lockConnectors and "judges concurrent batches…" fails on PostgreSQL (both judged against t0, the last to commit wins).
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { NotFoundError } from '../errors.js'
import { connectors } from '../schema/index.js'
import { insertOrder, insertPile, testEngines } from '../testing/index.js'
import { iterateMeterValues, listMeterValues } from './meterValues.js'
import { recordMeterValue, recordMeterValues } from './recordMeterValues.js'

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
      ]
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
      const read = (seconds: number, energyWh: number) =>
        recordMeterValue(db, { pileId: pile.id, connector: 1, measuredAt: t(seconds), energyWh })
      expect(await read(20, 131)).toBe(null)
      expect(await read(30, 160)).toBe('implausibleJump')
    })

    it('judges a batch exactly as one reading at a time, and skips only the readings of a missing pile', async () => {
      const { db } = database
      const [batched, single] = [
        await insertPile(db, { ratedPowerW: 7000 }),
        await insertPile(db, { ratedPowerW: 7000 }),
      ]
      // Two connectors interleaved; jumps, reversals and repeats among them.
      const readings = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => ({
        connector: 1 + (i % 2),
        measuredAt: t(Math.floor(i / 2) * 30 - (i === 9 ? 60 : 0)),
        energyWh: [1000, 500, 1040, 560, 2000, 530, 1090, 590, 1100, 600, 900, 640][i] ?? 0,
      }))
      const one: (string | null)[] = []
      for (const reading of readings) one.push(await recordMeterValue(db, { pileId: single.id, ...reading }))
      const results = await recordMeterValues(db, [
        ...readings.slice(0, 6).map((reading) => ({ pileId: batched.id, ...reading })),
        { pileId: 999_999, connector: 1, measuredAt: t(0), energyWh: 1 },
        ...readings.slice(6).map((reading) => ({ pileId: batched.id, ...reading })),
      ])
      expect(one).toEqual([
        null,
        null,
        null,
        null,
        'implausibleJump',
        'decreasing',
        null,
        null,
        null,
        'notAfterPrevious',
        'decreasing',
        null,
      ])
      expect(results).toEqual([
        ...one.slice(0, 6).map((flag) => ({ stored: true, flag, orderId: null })),
        { stored: false, reason: 'unknownPile' },
        ...one.slice(6).map((flag) => ({ stored: true, flag, orderId: null })),
      ])
      const state = async (pileId: number) =>
        (
          await db
            .select()
            .from(connectors)
            .where(eq(connectors.pileId, pileId))
            .orderBy(connectors.connector)
        ).map((row) => [row.connector, row.meterWh, row.meterAt])
      expect(await state(batched.id)).toEqual(await state(single.id))
      expect(await state(batched.id)).toEqual([
        [1, 1100, t(120)],
        [2, 640, t(150)],
      ])
      expect(await recordMeterValues(db, [])).toEqual([])
    })

    it('judges concurrent batches of one connector one after the other', async () => {
      const { db } = database
      // On PostgreSQL the two batches run on two connections at once; on PGlite one after the other.
      for (let round = 0; round < 10; round++) {
        const pile = await insertPile(db, { ratedPowerW: 7000 })
        const reading = (seconds: number, energyWh: number) => [
          { pileId: pile.id, connector: 1, measuredAt: t(seconds), energyWh },
        ]
        await recordMeterValues(db, reading(0, 1000))
        const [early, late] = await Promise.all([
          recordMeterValues(db, reading(10, 1020)),
          recordMeterValues(db, reading(20, 1040)),
        ])
        // The late one counts either way; the early one only if it came first (after it, it is out of order).
        expect(late).toEqual([{ stored: true, flag: null, orderId: null }])
        expect([null, 'notAfterPrevious']).toContain(early?.[0]?.stored && early[0].flag)
        const [connector] = await db.select().from(connectors).where(eq(connectors.pileId, pile.id))
        expect([connector?.meterWh, connector?.meterAt]).toEqual([1040, t(20)])
      }
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
