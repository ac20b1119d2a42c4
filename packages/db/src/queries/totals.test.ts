// Daily totals: the trigger keeps exactly what recomputing from the orders gives, through inserts, settles,
// corrections, deletes and day changes (break: drop the trigger's "take the old figures out" branch and every
// comparison with rebuildDailyTotals fails); dailyTotals reads a pile's, an operator's and the fleet's days with
// revenue per currency, the exact figures stated.
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { InvalidParameterError } from '../errors.js'
import { operatorDailyTotals, orders, pileDailyTotals } from '../schema/index.js'
import { hexOf, insertOrder, insertPile, seedOrders, testEngines } from '../testing/index.js'
import { dailyTotals, rebuildDailyTotals } from './totals.js'

const native = hexOf(0, 20)
const token = hexOf(0x70ce, 20)
const alice = hexOf(0xa1, 20)
const bob = hexOf(0xb0, 20)
const day = (d: number, hour = 12) => new Date(Date.UTC(2026, 4, d, hour))

for (const engine of testEngines) {
  describe(`daily totals on ${engine.name}`, () => {
    let database: Database
    let pileA: number
    let pileB: number
    let pileC: number

    beforeAll(async () => {
      database = await engine.open()
      pileA = (await insertPile(database.db, { dmid: 'A', owner: alice })).id
      pileB = (await insertPile(database.db, { dmid: 'B', owner: alice })).id
      pileC = (await insertPile(database.db, { dmid: 'C', owner: bob })).id
    })
    afterAll(() => database?.close())

    async function snapshot() {
      const { db } = database
      const pile = await db
        .select()
        .from(pileDailyTotals)
        .orderBy(asc(pileDailyTotals.pileId), asc(pileDailyTotals.day), asc(pileDailyTotals.currency))
      const operator = await db
        .select()
        .from(operatorDailyTotals)
        .orderBy(
          asc(operatorDailyTotals.operator),
          asc(operatorDailyTotals.day),
          asc(operatorDailyTotals.currency),
        )
      return { pile, operator }
    }

    async function expectTriggerMatchesRebuild() {
      const kept = await snapshot()
      await rebuildDailyTotals(database.db)
      expect(kept).toEqual(await snapshot())
    }

    it('counts an order once it ends, on its UTC day, and follows every change to it', async () => {
      const { db } = database
      const settled = { state: 'settled' as const, currency: native, operator: alice }
      const a1 = await insertOrder(db, {
        ...settled,
        pileId: pileA,
        openedAt: day(1, 10),
        endedAt: day(1, 11),
        energyWh: 5000,
        amountReceived: 500n,
      })
      await insertOrder(db, {
        ...settled,
        pileId: pileA,
        openedAt: day(1, 12),
        endedAt: day(1, 13),
        energyWh: 2000,
        amountReceived: 200n,
      })
      await insertOrder(db, {
        ...settled,
        pileId: pileA,
        currency: token,
        openedAt: day(1),
        endedAt: day(1, 14),
        energyWh: 1000,
        amountReceived: 7n,
      })
      // Ends just before midnight UTC on day 1, and one just after it, on day 2.
      await insertOrder(db, {
        ...settled,
        pileId: pileB,
        openedAt: day(1, 23),
        endedAt: new Date(Date.UTC(2026, 4, 1, 23, 59, 59, 999)),
        energyWh: 300,
        amountReceived: 30n,
      })
      await insertOrder(db, {
        ...settled,
        pileId: pileB,
        openedAt: day(1, 23),
        endedAt: new Date(Date.UTC(2026, 4, 2)),
        energyWh: 400,
        amountReceived: 40n,
      })
      await insertOrder(db, {
        ...settled,
        pileId: pileC,
        operator: bob,
        openedAt: day(2),
        endedAt: day(2, 13),
        energyWh: 9000,
        amountReceived: 900n,
      })
      // Still charging, and a third-party charger's off-chain order (no currency, no owner).
      const charging = await insertOrder(db, {
        pileId: pileA,
        state: 'charging',
        operator: alice,
        currency: native,
        openedAt: day(2),
        energyWh: 800,
      })
      await insertOrder(db, {
        pileId: pileC,
        kind: 'ocpp',
        state: 'settled',
        openedAt: day(2),
        endedAt: day(2, 15),
        energyWh: 1100,
      })

      expect(await dailyTotals(db, { pileId: pileA, from: '2026-05-01', to: '2026-05-31' })).toEqual([
        {
          day: '2026-05-01',
          sessions: 3,
          energyWh: 8000,
          revenue: [
            { currency: native, amount: 700n },
            { currency: token, amount: 7n },
          ],
        },
      ])
      expect(await dailyTotals(db, { operator: alice, from: '2026-05-01', to: '2026-05-02' })).toEqual([
        {
          day: '2026-05-01',
          sessions: 4,
          energyWh: 8300,
          revenue: [
            { currency: native, amount: 730n },
            { currency: token, amount: 7n },
          ],
        },
        { day: '2026-05-02', sessions: 1, energyWh: 400, revenue: [{ currency: native, amount: 40n }] },
      ])
      expect(await dailyTotals(db, { from: '2026-05-02', to: '2026-05-02' })).toEqual([
        {
          day: '2026-05-02',
          sessions: 3,
          energyWh: 10_500,
          revenue: [
            { currency: native, amount: 940n },
            { currency: null, amount: 0n },
          ],
        },
      ])
      await expectTriggerMatchesRebuild()

      // The charging order ends; a settled one is corrected (a reorg replayed it with less), then moves a day;
      // one is deleted (its session was orphaned).
      await db
        .update(orders)
        .set({ state: 'settled', endedAt: day(2, 18), amountReceived: 80n })
        .where(eq(orders.id, charging.id))
      await db.update(orders).set({ energyWh: 4000, amountReceived: 400n }).where(eq(orders.id, a1.id))
      await expectTriggerMatchesRebuild()
      await db
        .update(orders)
        .set({ endedAt: day(3) })
        .where(eq(orders.id, a1.id))
      await db.delete(orders).where(eq(orders.pileId, pileB))
      await expectTriggerMatchesRebuild()
      expect(await dailyTotals(db, { operator: alice, from: '2026-05-01', to: '2026-05-03' })).toEqual([
        {
          day: '2026-05-01',
          sessions: 2,
          energyWh: 3000,
          revenue: [
            { currency: native, amount: 200n },
            { currency: token, amount: 7n },
          ],
        },
        { day: '2026-05-02', sessions: 1, energyWh: 800, revenue: [{ currency: native, amount: 80n }] },
        { day: '2026-05-03', sessions: 1, energyWh: 4000, revenue: [{ currency: native, amount: 400n }] },
      ])
    })

    it('matches a recount over a thousand seeded orders', async () => {
      await seedOrders(database.db, {
        piles: [pileA, pileB, pileC],
        count: 1000,
        start: day(10),
        spacingMs: 17 * 60_000,
        currencies: [native, token],
        operator: bob,
      })
      await expectTriggerMatchesRebuild()
    })

    it('refuses a day that is not YYYY-MM-DD', async () => {
      await expect(dailyTotals(database.db, { from: '2026-5-1', to: '2026-05-02' })).rejects.toBeInstanceOf(
        InvalidParameterError,
      )
      await expect(
        dailyTotals(database.db, { from: '2026-05-01', to: "2026-05-02' or 1=1" }),
      ).rejects.toBeInstanceOf(InvalidParameterError)
    })
  })
}
