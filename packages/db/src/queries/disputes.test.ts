// Disputes: open claims are listed closing-first with their orders, and a dispute's evidence carries the voucher,
// the claim and every reading of its order in time order, flagged ones marked (break: order by deadline desc and
// the list test fails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { disputes } from '../schema/index.js'
import { hexOf, insertOrder, insertPile, testEngines } from '../testing/index.js'
import { getDispute, listDisputes } from './disputes.js'
import { recordMeterValue } from './recordMeterValues.js'

const t = (minutes: number) => new Date(Date.UTC(2026, 9, 1, 8) + minutes * 60_000)

for (const engine of testEngines) {
  describe(`disputes on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    it('lists open claims closing first and gives each its evidence', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 7000 })
      const late = await insertOrder(db, {
        pileId: pile.id,
        state: 'disputed',
        sessionId: hexOf(1, 32),
        openedAt: t(0),
      })
      const soon = await insertOrder(db, {
        pileId: pile.id,
        state: 'disputed',
        sessionId: hexOf(2, 32),
        openedAt: t(1),
      })
      const decided = await insertOrder(db, {
        pileId: pile.id,
        state: 'resolved',
        sessionId: hexOf(3, 32),
        openedAt: t(2),
      })
      const claim = {
        openedAt: t(60),
        voucherEnergyWh: 4000,
        voucherAmount: 400n,
        claimedEnergyWh: 4500,
        claimedAmount: 50n,
      }
      await db.insert(disputes).values([
        { ...claim, orderId: late.id, deadline: t(60 * 24 * 7) },
        { ...claim, orderId: soon.id, deadline: t(60 * 24) },
        {
          ...claim,
          orderId: decided.id,
          deadline: t(60),
          state: 'decided',
          amountToPile: 50n,
          amountToVehicle: 0n,
        },
      ])
      await recordMeterValue(db, {
        pileId: pile.id,
        connector: 1,
        orderId: soon.id,
        measuredAt: t(5),
        energyWh: 10_000,
      })
      await recordMeterValue(db, {
        pileId: pile.id,
        connector: 1,
        orderId: soon.id,
        measuredAt: t(65),
        energyWh: 9_000,
      })
      await recordMeterValue(db, {
        pileId: pile.id,
        connector: 1,
        orderId: soon.id,
        measuredAt: t(35),
        energyWh: 13_000,
      })

      expect((await listDisputes(db)).map((dispute) => [dispute.orderId, dispute.order.sessionId])).toEqual([
        [soon.id, hexOf(2, 32)],
        [late.id, hexOf(1, 32)],
      ])
      expect((await listDisputes(db, 'decided')).map((dispute) => dispute.amountToPile)).toEqual([50n])

      const evidence = await getDispute(db, soon.id)
      expect(evidence).toMatchObject({
        voucherEnergyWh: 4000,
        voucherAmount: 400n,
        claimedEnergyWh: 4500,
        claimedAmount: 50n,
      })
      expect(
        evidence?.readings.map((reading) => [reading.measuredAt, reading.energyWh, reading.flag]),
      ).toEqual([
        [t(5), 10_000, null],
        [t(35), 13_000, null],
        [t(65), 9_000, 'decreasing'],
      ])
      expect(await getDispute(db, 999_999)).toBeUndefined()
    })
  })
}
