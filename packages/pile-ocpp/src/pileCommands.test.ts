// The dashboard's stop button for one of our piles, end to end: the server's RemoteStopTransaction for the order
// reaches a real pile agent (on anvil, with a real car) through its OCPP client and pileCommandHandlers; the charge
// ends 'operatorStopped' and the session settles on chain for what the car vouchered.
// TriggerMessage MeterValues reads the meter now and reports it under the open transaction (as the register alone
// when idle); UnlockConnector is NotSupported (no connector lock) and leaves the charge alone; Reset ends the charge as
// an ordinary stop, settled on chain, and only then restarts the pile, once however often it is asked.
// Breaks tried (seen failing, restored): pileCommands.ts `stop: ({ ref }) => …` → `stop: () => false` (the server's
// remoteStop is Rejected and the car charges on); `stopAt: …` → `stopAt: () => false` (stopAt is Rejected);
// `if (ours(connectorId)) agent.readMeter()…` → `if (false)` (no reading arrives); reportPile.ts
// `const transaction = open ?? null` → `null` (the reading is not filed under the order); pileCommands.ts
// `.then(() => restart(type))` → `restart(type)` at once (the restart comes before the session finished); reset.ts
// `live.has(state) && session` → `false &&` (the charge is never stopped: it ends depositExhausted); reportPile.ts
// `session: { sessionId, … }` → `sessionId: id` (the escrow order filed under the pile's own 16-byte id: a second
// order beside the one the indexer completes, left charging forever); `case 'operatorStopped': return 'Remote'`
// dropped (the operator's stop reaches the server as Other).
import { type Database, meterValues, orders } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import {
  ChargerRejectedError,
  createMemoryQueue,
  createOcppClient,
  type OcppClient,
  type OcppClientHandlers,
} from '@chargechain/ocpp'
import { addTestCharger, type ServedOcpp, serveOcpp } from '@chargechain/ocpp/testing'
import type { PileAgent } from '@chargechain/pile'
import { asc, desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Chain,
  lastSessionState,
  runSession,
  startChain,
  startPileAlone,
  waitFor,
} from '../../pile/test/fixture.js'
import { type PileCommandOptions, pileCommandHandlers } from './pileCommands.js'
import { type PileReport, reportPile } from './reportPile.js'

const password = 'pile-commands-password-1'

describe('the server stops a charge through OCPP', () => {
  let chain: Chain
  let database: Database
  let served: ServedOcpp
  let client: OcppClient
  const handlers: OcppClientHandlers = {}
  let transactionId: number | undefined
  let pileId: number
  /** Reports `pile` with no periodic meter values (only triggered ones and the stop's) and answers the server for it. */
  const attach = (pile: PileAgent, options: PileCommandOptions = {}) => {
    const report = reportPile(pile, client, { meterIntervalMs: 3_600_000 })
    Object.assign(handlers, pileCommandHandlers(pile, { report, ...options }))
    reports.push(report)
  }
  const reports: PileReport[] = []
  /** Everything reported so far is on the server. */
  const delivered = async () => {
    await Promise.all(reports.map((report) => report.queued()))
    await client.flushed()
  }
  const readingsOf = () =>
    database.db.select().from(meterValues).where(eq(meterValues.pileId, pileId)).orderBy(asc(meterValues.id))
  beforeAll(async () => {
    chain = await startChain()
    const engine = testEngines[0]
    if (!engine) throw new Error('no test database engine')
    database = await engine.open()
    ;({ pileId } = await addTestCharger(database, 'CP-CMD', password))
    served = await serveOcpp(database)
    handlers.transactionStarted = (started) => {
      transactionId = started.transactionId
    }
    client = await createOcppClient({
      url: served.endpoint,
      identity: 'CP-CMD',
      password,
      connectors: 1,
      queue: createMemoryQueue(),
      boot: { vendor: 'ChargeChain', model: 'Pile' },
      handlers,
    })
    await client.start()
  }, 120_000)
  afterAll(async () => {
    await client?.close()
    await served?.close()
    await database?.close()
    await chain?.stop()
  })

  it('ends the charge and the session settles for the energy delivered', async () => {
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 10_000,
      attach(pile) {
        Object.assign(handlers, pileCommandHandlers(pile))
        reports.push(reportPile(pile, client, { meterIntervalMs: 0 }))
      },
      during: async ({ pile }) => {
        await waitFor(() => transactionId !== undefined && (pile.status().session?.energyWh ?? 0) >= 20)
        if (transactionId === undefined) throw new Error('no transaction')
        await served.ocpp.commands.remoteStop(transactionId)
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.stopReason).toBe('operatorStopped')
    expect(pileSide.energyWh).toBeLessThan(200)
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
    expect(carSide.energyWh).toBe(pileSide.energyWh)
    const [escrow] = await chain.owner.findSessions({
      vehicle: chain.cars.escrow.account?.address ?? '0x',
      pileId: chain.pileId,
    })
    if (!escrow) throw new Error('no escrow session')
    const { state } = await chain.owner.getSession({ sessionId: escrow.sessionId })
    expect(state).toMatchObject({ status: 'settled', amount: pileSide.amount })
    // Filed under the chain's session id: the order the server's indexer completes from the chain, not a second one.
    await delivered()
    const [order] = await database.db
      .select()
      .from(orders)
      .where(eq(orders.id, transactionId ?? 0))
    expect(order).toMatchObject({
      kind: 'escrow',
      sessionId: escrow.sessionId,
      meterStopWh: expect.any(Number),
      stopReason: 'Remote',
    })
  }, 240_000)

  it('stopAt: the charge ends at the first reading at or above the limit', async () => {
    transactionId = undefined
    const readings: number[] = []
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 10_000,
      attach(pile) {
        Object.assign(handlers, pileCommandHandlers(pile))
        reports.push(reportPile(pile, client, { meterIntervalMs: 0 }))
      },
      during: async ({ pile }) => {
        await waitFor(() => transactionId !== undefined)
        if (transactionId === undefined) throw new Error('no transaction')
        await served.ocpp.commands.stopAt(transactionId, 60)
        await waitFor(() => pile.status().session?.stopAtWh === 60)
        pile.on('meter', ({ energyWh }) => readings.push(energyWh))
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.stopReason).toBe('targetReached')
    expect(pileSide.energyWh).toBeGreaterThanOrEqual(60)
    expect(readings.at(-1)).toBeLessThan(60)
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
  }, 240_000)

  it('TriggerMessage MeterValues reads the meter now; UnlockConnector is NotSupported and the charge goes on', async () => {
    transactionId = undefined
    // The earlier tests' last readings may still be on their way: count from when they are stored.
    await delivered()
    const before = (await readingsOf()).length
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 80,
      attach: (pile) => attach(pile),
      during: async () => {
        await waitFor(() => transactionId !== undefined)
        const { commands } = served.ocpp
        await commands.triggerMessage(pileId, 'MeterValues')
        await waitFor(async () => (await readingsOf()).length > before)
        const refused = await commands.unlockConnector(pileId, 1).catch((error: unknown) => error)
        expect(refused).toBeInstanceOf(ChargerRejectedError)
        expect(refused).toMatchObject({ status: 'NotSupported' })
        await commands.triggerMessage(pileId, 'Heartbeat')
        await commands.triggerMessage(pileId, 'StatusNotification', 1)
        await expect(commands.triggerMessage(pileId, 'DiagnosticsStatusNotification')).rejects.toMatchObject({
          status: 'NotImplemented',
        })
      },
    })
    const pileSide = await session.pileFinished
    await session.done
    await delivered()
    // UnlockConnector left the charge alone: the driver ended it.
    expect(pileSide.stopReason).not.toBe('operatorStopped')
    const [order] = await database.db
      .select()
      .from(orders)
      .where(eq(orders.pileId, pileId))
      .orderBy(desc(orders.id))
      .limit(1)
    if (order?.meterStartWh == null || order.meterStopWh === null)
      throw new Error('no order with its registers')
    // The triggered reading, under the order, inside the charge; then the stop's final register.
    const [triggered, final, ...more] = (await readingsOf()).slice(before)
    expect(more).toEqual([])
    expect(triggered?.orderId).toBe(order.id)
    expect(triggered?.energyWh).toBeGreaterThanOrEqual(order.meterStartWh)
    expect(triggered?.energyWh).toBeLessThanOrEqual(order.meterStopWh)
    expect(final).toMatchObject({ orderId: order.id, energyWh: order.meterStopWh })

    // Idle, the register alone: what the meter shows, no order.
    const alone = await startPileAlone(chain)
    try {
      attach(alone.pile)
      const idleBefore = (await readingsOf()).length
      await served.ocpp.commands.triggerMessage(pileId, 'MeterValues', 1)
      await waitFor(async () => (await readingsOf()).length > idleBefore)
      const [idle] = (await readingsOf()).slice(idleBefore)
      expect(idle).toMatchObject({ orderId: null, energyWh: (await alone.world.pile.meter.read()).energyWh })
    } finally {
      await alone.stop()
    }
  }, 240_000)

  it('Reset ends the charge as an ordinary stop, settled on chain, and only then restarts the pile, once', async () => {
    transactionId = undefined
    const happened: string[] = []
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 10_000,
      attach(pile) {
        attach(pile, { restart: (type) => happened.push(`restart ${type}`) })
        pile.on('sessionFinished', () => happened.push('sessionFinished'))
      },
      during: async ({ pile }) => {
        await waitFor(() => transactionId !== undefined && (pile.status().session?.energyWh ?? 0) >= 20)
        await served.ocpp.commands.reset(pileId, 'Soft')
        // Asked again while the first waits for the session: the same reset.
        await served.ocpp.commands.reset(pileId, 'Hard')
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.stopReason).toBe('operatorStopped')
    expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled', amount: pileSide.amount })
    expect(await lastSessionState(chain, chain.cars.escrow)).toMatchObject({
      status: 'settled',
      amount: pileSide.amount,
    })
    expect(happened).toEqual(['sessionFinished', 'restart Soft'])
  }, 240_000)
})
