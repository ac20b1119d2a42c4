// Must show — a reading sent again is stored once: a charger that lost the answer sends the same MeterValues (or
// StopTransaction's transactionData) again, alone or beside new readings, and only the new ones become rows; the
// connector's meter value moves only with them.
// Breaks tried, each failing here: insert `from batch` without `where not again` ("a batch sent again…", "a batch
// mixing…" and "sent by two at once" store the rows twice); drop `seen.has(sameness)` ("the same reading twice in
// one batch" stores the flagged one twice); take the meter's new value `from batch` instead of `from inserted` (the
// readings judged counted, not those stored: "a stored reading judged anew…" moves the meter to the duplicate).
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { connectors, meterValues } from '../schema/index.js'
import { insertOrder, insertPile, testEngines } from '../testing/index.js'
import { type MeterValueInput, recordMeterValue, recordMeterValues } from './recordMeterValues.js'

const t = (seconds: number) => new Date(Date.UTC(2026, 6, 1, 9) + seconds * 1000)
const counted = (orderId: number | null = null) => ({ stored: true, flag: null, orderId })
const duplicate = { stored: false, reason: 'duplicate' }

for (const engine of testEngines) {
  describe(`readings sent again on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    const rows = async (pileId: number) =>
      (
        await database.db
          .select()
          .from(meterValues)
          .where(eq(meterValues.pileId, pileId))
          .orderBy(asc(meterValues.id))
      ).map((row) => [row.id, row.connector, row.orderId, row.measuredAt, row.energyWh, row.flag])
    const meter = async (pileId: number) =>
      (
        await database.db
          .select()
          .from(connectors)
          .where(eq(connectors.pileId, pileId))
          .orderBy(asc(connectors.connector))
      ).map((row) => [row.connector, row.meterWh, row.meterAt])

    it('a batch sent again stores nothing and changes nothing', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 7000 })
      const order = await insertOrder(db, { pileId: pile.id, kind: 'ocpp', state: 'charging' })
      const reading = (seconds: number, energyWh: number): MeterValueInput => ({
        pileId: pile.id,
        connector: 1,
        orderId: order.id,
        measuredAt: t(seconds),
        energyWh,
        powerW: 6500,
      })
      // Counted, counted, a jump 7 kW cannot explain (flagged), counted.
      const batch = [reading(0, 1000), reading(60, 1100), reading(90, 9999), reading(120, 1200)]
      const jump = { stored: true, flag: 'implausibleJump', orderId: order.id }
      expect(await recordMeterValues(db, batch)).toEqual([
        counted(order.id),
        counted(order.id),
        jump,
        counted(order.id),
      ])
      const first = await rows(pile.id)
      expect(first.map((row) => row.slice(1))).toEqual([
        [1, order.id, t(0), 1000, null],
        [1, order.id, t(60), 1100, null],
        [1, order.id, t(90), 9999, 'implausibleJump'],
        [1, order.id, t(120), 1200, null],
      ])
      expect(await meter(pile.id)).toEqual([[1, 1200, t(120)]])

      // The last counted is known from the lock; the others are found by the insert.
      expect(await recordMeterValues(db, batch)).toEqual([duplicate, duplicate, duplicate, duplicate])
      expect(await recordMeterValues(db, [reading(120, 1200)])).toEqual([duplicate])
      expect(await recordMeterValues(db, [reading(60, 1100)])).toEqual([duplicate])
      expect(await recordMeterValue(db, reading(90, 9999))).toBe('duplicate')
      expect(await rows(pile.id)).toEqual(first)
      expect(await meter(pile.id)).toEqual([[1, 1200, t(120)]])
    })

    it('a batch mixing readings sent before and new ones stores only the new', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 7000, guns: 2 })
      const reading = (connector: number, seconds: number, energyWh: number): MeterValueInput => ({
        pileId: pile.id,
        connector,
        measuredAt: t(seconds),
        energyWh,
      })
      await recordMeterValues(db, [reading(1, 0, 1000), reading(1, 60, 1100), reading(2, 60, 500)])
      const before = await rows(pile.id)
      expect(
        await recordMeterValues(db, [
          reading(1, 60, 1100), // sent before
          reading(1, 120, 1200),
          reading(2, 60, 500), // sent before, the other connector's last counted
          reading(2, 60, 501), // same time, other register: not the same reading (flagged, not after the last)
          reading(1, 0, 1000), // sent before
          reading(2, 120, 600),
          reading(1, 60, 1150), // same time as a stored one, other register
        ]),
      ).toEqual([
        duplicate,
        counted(),
        duplicate,
        { stored: true, flag: 'notAfterPrevious', orderId: null },
        duplicate,
        counted(),
        { stored: true, flag: 'notAfterPrevious', orderId: null },
      ])
      const after = await rows(pile.id)
      expect(after.slice(0, 3)).toEqual(before)
      expect(after.slice(3).map((row) => row.slice(1))).toEqual([
        [1, null, t(120), 1200, null],
        [2, null, t(60), 501, 'notAfterPrevious'],
        [2, null, t(120), 600, null],
        [1, null, t(60), 1150, 'notAfterPrevious'],
      ])
      expect(await meter(pile.id)).toEqual([
        [1, 1200, t(120)],
        [2, 600, t(120)],
      ])
    })

    it('the same reading twice in one batch is stored once', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 7000 })
      const reading = (seconds: number, energyWh: number): MeterValueInput => ({
        pileId: pile.id,
        connector: 1,
        measuredAt: t(seconds),
        energyWh,
      })
      expect(
        await recordMeterValues(db, [
          reading(0, 1000),
          reading(0, 1000),
          reading(30, 900), // the register went back: flagged, and not the reference, twice
          reading(30, 900),
          reading(60, 1100),
        ]),
      ).toEqual([
        counted(),
        duplicate,
        { stored: true, flag: 'decreasing', orderId: null },
        duplicate,
        counted(),
      ])
      expect((await rows(pile.id)).map((row) => row.slice(3))).toEqual([
        [t(0), 1000, null],
        [t(30), 900, 'decreasing'],
        [t(60), 1100, null],
      ])
      expect(await meter(pile.id)).toEqual([[1, 1100, t(60)]])
    })

    it('a stored reading judged anew as counted is still a duplicate and leaves the meter', async () => {
      const { db } = database
      // 3.6 kW: at most 1.1 Wh a second, +10 Wh of resolution.
      const pile = await insertPile(db, { ratedPowerW: 3600 })
      const reading = (seconds: number, energyWh: number): MeterValueInput => ({
        pileId: pile.id,
        connector: 1,
        measuredAt: t(seconds),
        energyWh,
      })
      expect(await recordMeterValue(db, reading(0, 1000))).toBe(null)
      // 125 Wh in 100 s against 1000 at 0 s (at most 120): flagged.
      expect(await recordMeterValue(db, reading(100, 1125))).toBe('implausibleJump')
      // A reading from between arrives late: counted, and the reference.
      expect(await recordMeterValue(db, reading(50, 1060))).toBe(null)
      // Sent again, 1125 at 100 s is 65 Wh in 50 s against the new reference (at most 65): it would count now.
      expect(await recordMeterValues(db, [reading(100, 1125)])).toEqual([duplicate])
      expect(await meter(pile.id)).toEqual([[1, 1060, t(50)]])
      expect(await recordMeterValues(db, [reading(100, 1125), reading(110, 1130)])).toEqual([
        duplicate,
        counted(),
      ])
      expect((await rows(pile.id)).map((row) => row.slice(3))).toEqual([
        [t(0), 1000, null],
        [t(100), 1125, 'implausibleJump'],
        [t(50), 1060, null],
        [t(110), 1130, null],
      ])
      expect(await meter(pile.id)).toEqual([[1, 1130, t(110)]])
    })

    it('a batch sent by two at once is stored once', async () => {
      const { db } = database
      // On PostgreSQL the two run on two connections at once; the connector lock puts one after the other.
      for (let round = 0; round < 5; round++) {
        const pile = await insertPile(db, { ratedPowerW: 7000 })
        const batch = [0, 30, 60].map((seconds) => ({
          pileId: pile.id,
          connector: 1,
          measuredAt: t(seconds),
          energyWh: 1000 + seconds,
        }))
        await recordMeterValues(db, [{ pileId: pile.id, connector: 1, measuredAt: t(-30), energyWh: 990 }])
        const results = await Promise.all([recordMeterValues(db, batch), recordMeterValues(db, batch)])
        expect(results).toContainEqual([counted(), counted(), counted()])
        expect(results).toContainEqual([duplicate, duplicate, duplicate])
        expect((await rows(pile.id)).map((row) => row.slice(3))).toEqual([
          [t(-30), 990, null],
          [t(0), 1000, null],
          [t(30), 1030, null],
          [t(60), 1060, null],
        ])
        expect(await meter(pile.id)).toEqual([[1, 1060, t(60)]])
      }
    })
  })
}
