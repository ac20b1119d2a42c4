// What the OCPP endpoint writes: transactions (sent again after a lost answer, linked to a chain session, stopped
// with an implausible meter), a charger's connection closing after a newer one opened, the channel ledger.
// Breaks tried, each failing its test: skip the repeat lookup in startOcppTransaction ("sent again" makes two
// orders); mark offline whenever lastConnectedAt is set, or write disconnectedAt before that guard, or
// recordChargerConnected not clearing it ("leaves a newer connection's connectors alone"); drop
// `lt(voucherAmount, amount)` from recordChannelVoucher ("only above the ledger's").
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { channels, chargers, connectors, orders } from '../schema/index.js'
import { hexOf, insertPile, testEngines } from '../testing/index.js'
import { listChargers, recordChargerConnected } from './chargers.js'
import { registerInstance } from './instances.js'
import {
  linkChainSession,
  markChargerOffline,
  recordBoot,
  recordChannelVoucher,
  startOcppTransaction,
  stopOcppTransaction,
} from './ocpp.js'
import { getPile, setConnectorStatus } from './piles.js'
import { recordMeterValues } from './recordMeterValues.js'

const t = (seconds: number) => new Date(Date.UTC(2026, 6, 1, 9) + seconds * 1000)

for (const engine of testEngines) {
  describe(`OCPP writes on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    it('keeps the operator’s brand and model, takes the firmware', async () => {
      const { db } = database
      const pile = await insertPile(db, { brand: 'Operator', model: null })
      await recordBoot(db, pile.id, { vendor: 'ABB', model: 'Terra', firmwareVersion: '1.2' })
      const view = await getPile(db, pile.id)
      expect([view?.brand, view?.model, view?.firmwareVersion]).toEqual(['Operator', 'Terra', '1.2'])
    })

    it('a StartTransaction sent again gets the same order; its stop ends it with the meter span', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 7000, owner: hexOf(0xa, 20) })
      const start = { pileId: pile.id, connector: 1, idTag: 'TAG', meterStartWh: 1000, at: t(0) }
      const first = await startOcppTransaction(db, start)
      const again = await startOcppTransaction(db, start)
      expect(again.order.id).toBe(first.order.id)
      expect(first.linked).toBe(false)
      expect(first.order).toMatchObject({ kind: 'ocpp', state: 'charging', operator: hexOf(0xa, 20) })
      const stop = {
        pileId: pile.id,
        orderId: first.order.id,
        meterStopWh: 4000,
        at: t(3600),
        reason: 'Local',
      }
      expect(await stopOcppTransaction(db, { ...stop, pileId: pile.id + 1000 })).toBeUndefined()
      const stopped = await stopOcppTransaction(db, stop)
      expect(stopped).toMatchObject({ state: 'settled', energyWh: 3000, meterStopWh: 4000, endedAt: t(3600) })
      expect(await stopOcppTransaction(db, { ...stop, meterStopWh: 9000 })).toMatchObject({ energyWh: 3000 })
      const [connector] = await db.select().from(connectors).where(eq(connectors.pileId, pile.id))
      expect(connector?.orderId).toBeNull()
    })

    it('a meterStop the rated power cannot explain counts to the last counted reading', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 7000 })
      const { order } = await startOcppTransaction(db, {
        pileId: pile.id,
        connector: 1,
        idTag: 'T',
        meterStartWh: 0,
        at: t(0),
      })
      const readings = await recordMeterValues(db, [
        { pileId: pile.id, connector: 1, orderId: order.id, measuredAt: t(600), energyWh: 1000 },
        { pileId: pile.id, connector: 1, orderId: order.id + 999, measuredAt: t(700), energyWh: 1100 },
      ])
      expect(readings).toEqual([
        { stored: true, flag: null, orderId: order.id },
        { stored: true, flag: null, orderId: null },
      ])
      const stopped = await stopOcppTransaction(db, {
        pileId: pile.id,
        orderId: order.id,
        meterStopWh: 900_000,
        at: t(1200),
      })
      expect(stopped?.energyWh).toBe(1000)
    })

    it('a linked chain session is the next StartTransaction of its connector; the chain keeps its end', async () => {
      const { db } = database
      const pile = await insertPile(db, { ratedPowerW: 7000 })
      const other = await insertPile(db)
      const sessionId = hexOf(0x5e55, 32)
      const link = { pileId: pile.id, connector: 2, sessionId, kind: 'escrow' as const, at: t(0) }
      const order = await linkChainSession(db, { ...link, vehicle: hexOf(0xca7, 20) })
      expect(order).toMatchObject({ kind: 'escrow', state: 'open', sessionId, vehicle: hexOf(0xca7, 20) })
      expect(await linkChainSession(db, { ...link, pileId: other.id })).toBeUndefined()
      expect(await linkChainSession(db, { ...link, kind: 'channel' })).toBeUndefined()
      expect((await linkChainSession(db, link))?.id).toBe(order?.id)

      const started = await startOcppTransaction(db, {
        pileId: pile.id,
        connector: 2,
        idTag: 'chargechain',
        meterStartWh: 500,
        at: t(10),
      })
      expect(started.linked).toBe(true)
      expect(started.order).toMatchObject({ id: order?.id, state: 'charging', meterStartWh: 500 })
      const stopped = await stopOcppTransaction(db, {
        pileId: pile.id,
        orderId: started.order.id,
        meterStopWh: 1500,
        at: t(600),
        reason: 'EVDisconnected',
      })
      expect(stopped).toMatchObject({ state: 'charging', endedAt: null, energyWh: 0, meterStopWh: 1500 })
      const [count] = await db.select({ id: orders.id }).from(orders).where(eq(orders.pileId, pile.id))
      expect(count?.id).toBe(order?.id)
    })

    it('leaves a newer connection’s connectors alone, and the charger connected', async () => {
      const { db } = database
      const pile = await insertPile(db)
      await registerInstance(db, 'I-OFF')
      await db.insert(chargers).values({
        id: 'CP-OFF',
        pileId: pile.id,
        passwordHash: 'x',
        lastConnectedAt: t(5),
        instanceId: 'I-OFF',
      })
      await setConnectorStatus(db, { pileId: pile.id, connector: 1, status: 'available', at: t(6) })
      const listed = async () => {
        const charger = (await listChargers(db)).find((row) => row.id === 'CP-OFF')
        return [charger?.connected, charger?.disconnectedAt]
      }
      expect(await listed()).toEqual([true, null])
      expect(await markChargerOffline(db, 'CP-OFF', t(1), t(7))).toBeUndefined()
      expect((await getPile(db, pile.id))?.connectors.map((c) => c.status)).toEqual(['available'])
      expect(await listed()).toEqual([true, null])
      const offline = await markChargerOffline(db, 'CP-OFF', t(5), t(8))
      expect(offline?.connectors.map((c) => [c.connector, c.status])).toEqual([[1, 'offline']])
      expect(await listed()).toEqual([false, t(8)])
      await recordChargerConnected(db, 'CP-OFF', t(9), 'I-OFF')
      expect(await listed()).toEqual([true, null])
    })

    it('records a voucher only above the ledger’s and within the deposit', async () => {
      const { db } = database
      const channelId = hexOf(0xc4a, 32)
      await db.insert(channels).values({
        channelId,
        vehicle: hexOf(1, 20),
        operator: hexOf(2, 20),
        currency: hexOf(3, 20),
        deposit: 1000n,
        openedAt: t(0),
      })
      const voucher = { channelId, signature: hexOf(0x5, 32), at: t(1) }
      expect(await recordChannelVoucher(db, { ...voucher, amount: 300n })).toMatchObject({
        recorded: true,
        channel: { voucherAmount: 300n },
      })
      expect(await recordChannelVoucher(db, { ...voucher, amount: 300n })).toMatchObject({
        recorded: false,
        reason: 'notAbove',
      })
      expect(await recordChannelVoucher(db, { ...voucher, amount: 1001n })).toMatchObject({
        recorded: false,
        reason: 'aboveDeposit',
      })
      expect(await recordChannelVoucher(db, { ...voucher, channelId: hexOf(9, 32), amount: 1n })).toEqual({
        recorded: false,
        reason: 'unknownChannel',
      })
    })
  })
}
