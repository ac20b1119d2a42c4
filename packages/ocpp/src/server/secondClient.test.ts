// Must show — OCPP with a second client: a charger made of bare `ws` frames (nothing of the server's library)
// boots, authorizes, runs a transaction with meter values, is stopped remotely through `commands`, and stops; the
// rows are checked exactly. Hostile frames each get a CALLERROR and the connection stays up; an oversize frame
// closes it (1009).
// Breaks tried, each failing here: map Charging to 'preparing' in connectorStatusOf ("completes a transaction");
// drop the energyOf check on meterStart (the 1e20 meterStart reaches the database, which refuses it, and the frame
// gets InternalError instead of PropertyConstraintViolation); remove answerIn16's code translation (a not-JSON
// frame gets RpcFrameworkError).
import {
  connectors,
  type Database,
  type LiveEvent,
  liveChannel,
  meterValues,
  orders,
  piles,
} from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRawCharger } from '../testing/rawCharger.js'
import { addTestCharger, addTestTag, type ServedOcpp, serveOcpp } from '../testing/serve.js'

const t0 = new Date(Date.UTC(2026, 6, 1, 9))
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)
const iso = (seconds: number) => at(seconds).toISOString()
const energy = (seconds: number, wh: number, extra: object[] = []) => ({
  timestamp: iso(seconds),
  sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, ...extra],
})

for (const engine of testEngines) {
  describe(`a raw-frame charger on ${engine.name}`, () => {
    let database: Database
    let served: ServedOcpp
    let pileId: number
    const live: LiveEvent[] = []

    beforeAll(async () => {
      database = await engine.open()
      await database.listen(liveChannel, { onMessage: (payload) => live.push(JSON.parse(payload)) })
      ;({ pileId } = await addTestCharger(database, 'CP-RAW', 'raw-charger-password-1', {
        ratedPowerW: 7000,
        guns: 2,
        brand: null,
        model: null,
      }))
      await addTestTag(database, 'TAG-1')
      served = await serveOcpp(database)
    })
    afterAll(async () => {
      await served?.close()
      await database?.close()
    })

    const connect = () =>
      openRawCharger({ endpoint: served.endpoint, identity: 'CP-RAW', password: 'raw-charger-password-1' })

    it('completes boot, authorize, a transaction with meter values, a remote stop and the stop', async () => {
      const charger = await connect()
      const boot = await charger.call('BootNotification', {
        chargePointVendor: 'Acme',
        chargePointModel: 'AC22',
        firmwareVersion: '4.2.1',
      })
      expect(boot).toMatchObject({ ok: true, payload: { status: 'Accepted', interval: 300 } })
      expect(
        await charger.call('StatusNotification', {
          connectorId: 1,
          errorCode: 'NoError',
          status: 'Available',
        }),
      ).toEqual({ ok: true, payload: {} })
      expect(await charger.call('Authorize', { idTag: 'TAG-1' })).toEqual({
        ok: true,
        payload: { idTagInfo: { status: 'Accepted' } },
      })
      expect(await charger.call('Authorize', { idTag: 'NO-SUCH-TAG' })).toEqual({
        ok: true,
        payload: { idTagInfo: { status: 'Invalid' } },
      })
      const start = await charger.call('StartTransaction', {
        connectorId: 1,
        idTag: 'TAG-1',
        meterStart: 1000,
        timestamp: iso(0),
      })
      if (!start.ok) throw new Error(`StartTransaction failed: ${start.code}`)
      const { transactionId, idTagInfo } = start.payload as { transactionId: number; idTagInfo: unknown }
      expect(idTagInfo).toEqual({ status: 'Accepted' })
      await charger.call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Charging',
        timestamp: iso(1),
      })
      const power = { value: '6.5', measurand: 'Power.Active.Import', unit: 'kW' }
      for (const [seconds, wh] of [
        [60, 1100],
        [120, 1200],
      ] as const)
        expect(
          await charger.call('MeterValues', {
            connectorId: 1,
            transactionId,
            meterValue: [energy(seconds, wh, [power])],
          }),
        ).toEqual({ ok: true, payload: {} })
      expect(await charger.call('DataTransfer', { vendorId: 'someone.else', messageId: 'x' })).toEqual({
        ok: true,
        payload: { status: 'UnknownVendorId' },
      })

      charger.answer('RemoteStopTransaction', () => ({ status: 'Accepted' }))
      await served.ocpp.commands.remoteStop(transactionId)
      expect(charger.received).toEqual([['RemoteStopTransaction', { transactionId }]])

      const stop = await charger.call('StopTransaction', {
        transactionId,
        meterStop: 1250,
        timestamp: iso(150),
        reason: 'Remote',
        transactionData: [energy(150, 1250)],
      })
      expect(stop).toEqual({ ok: true, payload: {} })
      await charger.call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Finishing',
        timestamp: iso(151),
      })

      const [order] = await database.db.select().from(orders).where(eq(orders.id, transactionId))
      expect(order).toMatchObject({
        kind: 'ocpp',
        pileId,
        connector: 1,
        idTag: 'TAG-1',
        state: 'settled',
        openedAt: at(0),
        endedAt: at(150),
        energyWh: 250,
        meterStartWh: 1000,
        meterStopWh: 1250,
        stopReason: 'Remote',
        currency: null,
        sessionId: null,
      })
      const readings = await database.db
        .select()
        .from(meterValues)
        .where(eq(meterValues.pileId, pileId))
        .orderBy(asc(meterValues.id))
      expect(
        readings.map((r) => [r.connector, r.orderId, r.measuredAt, r.energyWh, r.powerW, r.flag]),
      ).toEqual([
        [1, transactionId, at(60), 1100, 6500, null],
        [1, transactionId, at(120), 1200, 6500, null],
        [1, transactionId, at(150), 1250, null, null],
      ])
      const rows = await database.db.select().from(connectors).where(eq(connectors.pileId, pileId))
      expect(rows.map((r) => [r.connector, r.status, r.errorCode, r.statusAt, r.meterWh, r.orderId])).toEqual(
        [[1, 'finishing', null, at(151), 1250, null]],
      )
      const [pile] = await database.db.select().from(piles).where(eq(piles.id, pileId))
      expect([pile?.brand, pile?.model, pile?.firmwareVersion]).toEqual(['Acme', 'AC22', '4.2.1'])

      await charger.close()
      // The connection's close takes the connectors offline.
      await expect
        .poll(async () => (await database.db.select().from(connectors)).map((r) => r.status))
        .toEqual(['offline'])
      // Notifications come on a connection of their own (LISTEN on PostgreSQL): the last may still be on its way.
      await expect
        .poll(() => live.filter((event) => event.type !== 'charger'), { timeout: 5_000 })
        .toEqual([
          {
            type: 'connector',
            pileId,
            connector: 1,
            status: 'available',
            orderId: null,
            at: expect.any(String),
          },
          { type: 'order', orderId: transactionId, pileId, state: 'charging' },
          { type: 'connector', pileId, connector: 1, status: 'charging', orderId: transactionId, at: iso(1) },
          {
            type: 'meter',
            pileId,
            connector: 1,
            orderId: transactionId,
            energyWh: 1100,
            powerW: 6500,
            at: iso(60),
          },
          {
            type: 'meter',
            pileId,
            connector: 1,
            orderId: transactionId,
            energyWh: 1200,
            powerW: 6500,
            at: iso(120),
          },
          {
            type: 'meter',
            pileId,
            connector: 1,
            orderId: transactionId,
            energyWh: 1250,
            powerW: null,
            at: iso(150),
          },
          { type: 'order', orderId: transactionId, pileId, state: 'settled' },
          { type: 'connector', pileId, connector: 1, status: 'finishing', orderId: null, at: iso(151) },
          {
            type: 'connector',
            pileId,
            connector: 1,
            status: 'offline',
            orderId: null,
            at: expect.any(String),
          },
        ])
      await expect
        .poll(() => live.filter((event) => event.type === 'charger'), { timeout: 5_000 })
        .toEqual([
          { type: 'charger', chargerId: 'CP-RAW', pileId, connected: true },
          { type: 'charger', chargerId: 'CP-RAW', pileId, connected: false },
        ])
    })

    it('answers each hostile frame with a CALLERROR and stays up', async () => {
      const charger = await connect()
      const stillUp = async () =>
        expect(await charger.call('Heartbeat', {})).toMatchObject({
          ok: true,
          payload: { currentTime: expect.any(String) },
        })
      const callError = (id: string, code: string) => [4, id, code, expect.any(String), expect.anything()]
      const frames: [string, unknown][] = [
        ['not json at all', callError('-1', 'FormationViolation')],
        ['{"an":"object"}', callError('-1', 'FormationViolation')],
        ['[2, 17, "Heartbeat", {}]', callError('-1', 'FormationViolation')],
        ['[7, "m1", "Heartbeat", {}]', callError('-1', 'ProtocolError')],
        ['[2, "m2", "SelfDestruct", {}]', callError('m2', 'NotImplemented')],
        [
          '[2, "m3", "BootNotification", {"chargePointVendor": "Acme"}]',
          callError('m3', 'OccurrenceConstraintViolation'),
        ],
        [
          '[2, "m4", "StatusNotification", {"connectorId": "1", "errorCode": "NoError", "status": "Available"}]',
          callError('m4', 'TypeConstraintViolation'),
        ],
        [
          '[2, "m5", "StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}]',
          callError('m5', 'FormationViolation'),
        ],
        ['[2, "m6", "Heartbeat", {"extra": true}]', callError('m6', 'PropertyConstraintViolation')],
        [
          '[2, "m7", "StartTransaction", {"connectorId": 1, "idTag": "TAG-1", "meterStart": 1e20, "timestamp": "2026-07-01T09:00:00Z"}]',
          callError('m7', 'PropertyConstraintViolation'),
        ],
        [
          '[2, "m8", "StatusNotification", {"connectorId": 99999999999, "errorCode": "NoError", "status": "Available"}]',
          callError('m8', 'PropertyConstraintViolation'),
        ],
        [
          '[2, "m9", "MeterValues", {"connectorId": 1, "meterValue": [{"timestamp": "2026-07-01T09:00:00Z", "sampledValue": [{"value": "1e400"}]}]}]',
          callError('m9', 'PropertyConstraintViolation'),
        ],
        [
          '[2, "m10", "MeterValues", {"connectorId": 1, "meterValue": [{"timestamp": "2026-07-01T09:00:00Z", "sampledValue": [{"value": "12 Wh"}]}]}]',
          callError('m10', 'PropertyConstraintViolation'),
        ],
        // OCPP-J never answers a CALLRESULT: it is dropped, and the connection stays.
        ['[3, "nobody-asked", {}]', undefined],
      ]
      for (const [frame, expected] of frames) {
        expect({ frame, answer: await charger.sendRaw(frame, expected === undefined ? 300 : 5000) }).toEqual({
          frame,
          answer: expected,
        })
        await stillUp()
      }
      // Nothing was written: the one order is the first test's.
      expect(await database.db.select({ id: orders.id }).from(orders)).toHaveLength(1)
      await charger.close()
    })

    it('closes a connection that sends a frame above maxPayloadBytes (1009)', async () => {
      const charger = await connect()
      const huge = JSON.stringify([2, 'big', 'DataTransfer', { vendorId: 'x', data: 'x'.repeat(70 * 1024) }])
      charger.socket.send(huge)
      expect((await charger.closed).code).toBe(1009)
    })
  })
}
