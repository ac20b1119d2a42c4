// The pile's OCPP client against the server: what it queues while the server is down arrives in order, exactly
// once, when it comes up; a file queue carries messages and transactionIds across a restart of the client; a chain
// session's transaction lands on its order; the server's commands reach the pile agent's handlers; the channel
// ledger answers.
// Breaks tried, each failing here: drain without waiting for each answer (fire all queued calls at once: the order
// check sees meter values before the StartTransaction's order exists and stores them without it); QueueState
// forgetting `learned` ("across a restart": the stop after the restart goes out without a transactionId and is
// dropped); the client not appending the `session` DataTransfer ("a chain session" gets an ocpp order); TriggerMessage
// without the connector check (a trigger for connector 2 of a one-connector pile is Accepted).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { signChannelVoucher, verifyChannelVoucher } from '@chargechain/chain'
import {
  channels,
  connectors,
  type Database,
  type LiveEvent,
  liveChannel,
  meterValues,
  orders,
} from '@chargechain/db'
import { hexOf, testEngines } from '@chargechain/db/testing'
import { asc, eq } from 'drizzle-orm'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChargerRejectedError } from '../errors.js'
import { addTestCharger, freePort, serveOcpp } from '../testing/serve.js'
import type { CommandTransaction } from './commands.js'
import { type CreateOcppClientOptions, createOcppClient } from './createOcppClient.js'
import { openFileQueue } from './fileQueue.js'
import { createMemoryQueue } from './queue.js'

const t0 = new Date(Date.UTC(2026, 6, 1, 9))
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)
const password = 'pile-client-password-1'
const backoff = { initialMs: 50, maxMs: 300 }

for (const engine of testEngines) {
  describe(`the OCPP client on ${engine.name}`, () => {
    let database: Database
    let directory: string
    const live: LiveEvent[] = []

    beforeAll(async () => {
      database = await engine.open()
      directory = await mkdtemp(join(tmpdir(), 'ocpp-client-'))
      await database.listen(liveChannel, { onMessage: (payload) => live.push(JSON.parse(payload)) })
    })
    afterAll(async () => {
      await database?.close()
      await rm(directory, { recursive: true, force: true })
    })

    const options = (identity: string, url: string): Omit<CreateOcppClientOptions, 'queue'> => ({
      url,
      identity,
      password,
      connectors: 1,
      boot: { vendor: 'ChargeChain', model: 'Pile', firmwareVersion: '1.0.0' },
      backoff,
    })

    it('queues while the server is down and delivers in order, exactly once, when it is up', async () => {
      const { pileId } = await addTestCharger(database, 'CP-Q', password, { ratedPowerW: 7000 })
      const port = await freePort()
      const started: number[] = []
      const client = await createOcppClient({
        ...options('CP-Q', `ws://127.0.0.1:${port}/ocpp`),
        queue: createMemoryQueue(),
        handlers: { transactionStarted: ({ transactionId }) => void started.push(transactionId) },
      })
      await client.start()
      expect(client.state).toBe('offline')
      await client.status(1, 'Preparing')
      const ref = await client.startTransaction({ connector: 1, idTag: 'ANY', meterStartWh: 100, at: at(0) })
      await client.status(1, 'Charging')
      await client.meterValues(1, ref, [
        { at: at(60), energyWh: 200, powerW: 6000 },
        { at: at(120), energyWh: 300, powerW: 6000 },
      ])
      await client.meterValues(1, ref, [{ at: at(180), energyWh: 400 }])
      await client.stopTransaction(ref, { meterStopWh: 450, reason: 'EVDisconnected', at: at(200) })
      await client.status(1, 'Available')
      expect(live).toEqual([])

      const served = await serveOcpp(database, { port })
      try {
        await client.flushed()
        expect(client.state).toBe('online')
        // Its stop was delivered too: the reference is done with.
        expect(client.transactionId(ref)).toBeUndefined()
        const [transactionId] = started
        const [order] = await database.db.select().from(orders).where(eq(orders.pileId, pileId))
        expect(started).toHaveLength(1)
        expect(order).toMatchObject({
          id: transactionId,
          kind: 'ocpp',
          state: 'settled',
          meterStartWh: 100,
          meterStopWh: 450,
          energyWh: 350,
          stopReason: 'EVDisconnected',
          openedAt: at(0),
          endedAt: at(200),
        })
        const readings = await database.db
          .select()
          .from(meterValues)
          .where(eq(meterValues.pileId, pileId))
          .orderBy(asc(meterValues.id))
        expect(readings.map((r) => [r.orderId, r.measuredAt, r.energyWh, r.powerW, r.flag])).toEqual([
          [transactionId, at(60), 200, 6000, null],
          [transactionId, at(120), 300, 6000, null],
          [transactionId, at(180), 400, null, null],
        ])
        // Notifications come on a connection of their own (LISTEN on PostgreSQL): the last may still be on its way.
        await expect
          .poll(
            () =>
              live
                .filter((event) => event.type !== 'charger')
                .map((event) => [
                  event.type,
                  'status' in event
                    ? event.status
                    : 'state' in event
                      ? event.state
                      : 'energyWh' in event
                        ? event.energyWh
                        : '',
                ]),
            { timeout: 5_000 },
          )
          .toEqual([
            ['connector', 'preparing'],
            ['order', 'charging'],
            ['connector', 'charging'],
            ['meter', 200],
            ['meter', 300],
            ['meter', 400],
            ['order', 'settled'],
            ['connector', 'available'],
          ])
      } finally {
        await client.close()
        await served.close()
      }
    })

    it('keeps messages and transactionIds in its file queue across a restart', async () => {
      const { pileId } = await addTestCharger(database, 'CP-F', password, { ratedPowerW: 7000 })
      const path = join(directory, 'queue.jsonl')
      const served = await serveOcpp(database)
      let client = await createOcppClient({
        ...options('CP-F', served.endpoint),
        queue: await openFileQueue(path),
      })
      await client.start()
      const ref = await client.startTransaction({ connector: 1, idTag: 'ANY', meterStartWh: 0, at: at(0) })
      await client.flushed()
      const transactionId = client.transactionId(ref)
      await client.close()
      await served.close()

      // The server is gone; the pile restarts and keeps working offline.
      const port = await freePort()
      client = await createOcppClient({
        ...options('CP-F', `ws://127.0.0.1:${port}/ocpp`),
        queue: await openFileQueue(path),
      })
      await client.start()
      await client.meterValues(1, ref, [{ at: at(60), energyWh: 100 }])
      await client.close()
      client = await createOcppClient({
        ...options('CP-F', `ws://127.0.0.1:${port}/ocpp`),
        queue: await openFileQueue(path),
      })
      expect(client.transactionId(ref)).toBe(transactionId)
      await client.start()
      await client.stopTransaction(ref, { meterStopWh: 120, at: at(90) })
      const again = await serveOcpp(database, { port })
      try {
        await client.flushed()
        const [order] = await database.db.select().from(orders).where(eq(orders.pileId, pileId))
        expect(order).toMatchObject({ id: transactionId, state: 'settled', energyWh: 120 })
        const readings = await database.db.select().from(meterValues).where(eq(meterValues.pileId, pileId))
        expect(readings.map((r) => [r.orderId, r.energyWh])).toEqual([[transactionId, 100]])
        expect(client.transactionId(ref)).toBeUndefined()
      } finally {
        await client.close()
        await again.close()
      }
    })

    it('files a chain session under its order, takes commands, and asks and feeds the channel ledger', async () => {
      const operator = hexOf(0xa, 20)
      const { pileId } = await addTestCharger(database, 'CP-C', password, {
        ratedPowerW: 7000,
        owner: operator,
      })
      const channelId = hexOf(0xc4a2, 32)
      const car = privateKeyToAccount(generatePrivateKey())
      // The server records only the car's own voucher, checked under the deployment's channels contract.
      const deployment = { chainId: 31_337, channels: hexOf(0xc0c0, 20) }
      await database.db.insert(channels).values({
        channelId,
        vehicle: car.address,
        operator,
        currency: hexOf(0xe, 20),
        deposit: 10n ** 18n,
        openedAt: at(0),
      })
      const served = await serveOcpp(database, {
        verifyChannelVoucher: (voucher) => verifyChannelVoucher({ ...deployment, ...voucher }),
      })
      const stops: CommandTransaction[] = []
      const stopAts: [CommandTransaction, number][] = []
      const client = await createOcppClient({
        ...options('CP-C', served.endpoint),
        queue: createMemoryQueue(),
        handlers: {
          stop: (transaction) => stops.push(transaction) > 0,
          stopAt: (transaction, energyWh) => stopAts.push([transaction, energyWh]) > 0,
        },
      })
      try {
        await client.start()
        expect(client.state).toBe('online')
        const sessionId = hexOf(0x5e55, 16)
        const ref = await client.startTransaction({
          connector: 1,
          idTag: 'chargechain',
          meterStartWh: 10,
          session: { sessionId, kind: 'channel', channelId, vehicle: hexOf(0xca7, 20) },
        })
        await client.flushed()
        const transactionId = client.transactionId(ref) ?? 0
        const [order] = await database.db.select().from(orders).where(eq(orders.pileId, pileId))
        expect(order).toMatchObject({
          id: transactionId,
          kind: 'channel',
          sessionId,
          channelId,
          state: 'charging',
        })
        const [connector] = await database.db.select().from(connectors).where(eq(connectors.pileId, pileId))
        expect(connector?.orderId).toBe(transactionId)

        await served.ocpp.commands.stopAt(transactionId, 5000)
        await served.ocpp.commands.remoteStop(transactionId)
        expect(stopAts).toEqual([[{ transactionId, ref }, 5000]])
        expect(stops).toEqual([{ transactionId, ref }])

        expect(await client.channelLedger(channelId)).toMatchObject({ cumulative: 0n, deposit: 10n ** 18n })
        const signature = await signChannelVoucher({
          account: car,
          ...deployment,
          channelId,
          cumulativeAmount: 250n,
        })
        await client.reportVoucher({ channelId, amount: 250n, signature })
        await client.flushed()
        expect(await client.channelLedger(channelId)).toMatchObject({ cumulative: 250n, state: 'open' })
        expect(await client.channelLedger(hexOf(0xdead, 32))).toBeUndefined()

        // A trigger for a connector the pile lacks is refused; its own connector's status is sent.
        await expect(
          served.ocpp.commands.triggerMessage(pileId, 'StatusNotification', 2),
        ).rejects.toBeInstanceOf(ChargerRejectedError)
        await served.ocpp.commands.triggerMessage(pileId, 'StatusNotification', 1)
      } finally {
        await client.close()
        await served.close()
      }
    })
  })
}
