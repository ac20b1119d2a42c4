// A pile agent's events reach the management server over OCPP as an operator reads them: the statuses, one
// transaction per session filed under its chain session, meter values no closer than the interval, the stop with the
// register; and a pile that was offline (and restarted, on the same file queue) delivers all of it, in order, once
// the server is back.
// Breaks tried, each failing here: statusOfState.charging = 'Preparing' (the connector never shows charging);
// `at - last < meterIntervalMs` → `at - last < 0`, no throttle (five readings stored instead of two); the
// transaction's `ref: id` removed (the restarted pile's meter values and stop name a reference its queue never knew).
import { EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectors, type Database, meterValues, orders } from '@chargechain/db'
import { hexOf, testEngines } from '@chargechain/db/testing'
import { createOcppClient, type OcppClient, openFileQueue } from '@chargechain/ocpp'
import { addTestCharger, freePort, serveOcpp } from '@chargechain/ocpp/testing'
import type { PileAgent, PileAgentEvents, PileState } from '@chargechain/pile'
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportPile } from './reportPile.js'

const t0 = Date.UTC(2026, 6, 1, 9)
const at = (seconds: number) => t0 + seconds * 1000
const password = 'pile-reporter-password-1'
const vehicle = hexOf(0xca7, 20)

/** The pile agent's event surface, driven by the test as the agent would drive it; its status follows the states. */
function agentEvents() {
  const emitter = new EventEmitter()
  let state: PileState = 'idle'
  const agent: Pick<PileAgent, 'on' | 'status'> = {
    on(event, listener) {
      emitter.on(event, listener)
      return () => emitter.off(event, listener)
    },
    status: () => ({ state, available: true, completed: 0 }),
  }
  agent.on('state', (change) => {
    state = change.state
  })
  const emit = <E extends keyof PileAgentEvents>(event: E, ...args: PileAgentEvents[E]) => {
    emitter.emit(event, ...args)
  }
  return { agent, emit }
}

/** A free session's readings every 30 s as the agent reports them: 1.2 kWh a minute from a 10 kWh register. */
function readings(emit: ReturnType<typeof agentEvents>['emit'], id: `0x${string}`, seconds: number[]) {
  for (const second of seconds)
    emit('meter', {
      id,
      energyWh: second * 20,
      voucheredWh: 0,
      amount: 0n,
      registerWh: 10_000 + second * 20,
      powerW: 72_000,
      at: at(second),
    })
}

/** The readings both tests leave stored: at most one a minute, then the stop's final register. */
const storedReadings = [
  [at(60), 11_200, 72_000, null],
  [at(120), 12_400, 72_000, null],
  [at(200), 14_000, null, null],
]

const finished = (id: `0x${string}`) =>
  ({
    id,
    kind: 'free',
    vehicle,
    energyWh: 4_000,
    amount: 0n,
    meterStartWh: 10_000,
    endedAt: at(200),
  }) as const

for (const engine of testEngines) {
  describe(`a pile agent reported over OCPP on ${engine.name}`, () => {
    let database: Database
    let directory: string
    beforeAll(async () => {
      database = await engine.open()
      directory = await mkdtemp(join(tmpdir(), 'pile-ocpp-'))
    })
    afterAll(async () => {
      await database?.close()
      await rm(directory, { recursive: true, force: true })
    })

    const client = async (identity: string, url: string, queueFile: string) =>
      createOcppClient({
        url,
        identity,
        password,
        connectors: 1,
        queue: await openFileQueue(join(directory, queueFile)),
        boot: { vendor: 'ChargeChain', model: 'Pile', firmwareVersion: '1.0.0' },
        backoff: { initialMs: 50, maxMs: 300 },
      })

    const rowsOf = async (pileId: number) => {
      const [order] = await database.db.select().from(orders).where(eq(orders.pileId, pileId))
      const rows = await database.db
        .select()
        .from(meterValues)
        .where(eq(meterValues.pileId, pileId))
        .orderBy(asc(meterValues.id))
      const [connector] = await database.db.select().from(connectors).where(eq(connectors.pileId, pileId))
      return {
        order,
        stored: rows.map((r) => [r.measuredAt.getTime(), r.energyWh, r.powerW, r.flag]),
        connector,
      }
    }

    it('reports statuses, the session filed under its chain session, meter values at the interval and the stop', async () => {
      const { pileId } = await addTestCharger(database, 'CP-AGENT', password, { ratedPowerW: 120_000 })
      const served = await serveOcpp(database)
      const ocpp = await client('CP-AGENT', served.endpoint, 'online.queue')
      const { agent, emit } = agentEvents()
      const seen: string[] = []
      const report = reportPile(agent, ocpp, { meterIntervalMs: 60_000 })
      try {
        await ocpp.start()
        emit('state', { state: 'idle' })
        await report.queued()
        await ocpp.flushed()
        seen.push((await rowsOf(pileId)).connector?.status ?? 'none')
        const id = hexOf(0xf1ee, 16)
        emit('state', { state: 'connecting' })
        emit('sessionStarted', { id, kind: 'free', vehicle, meterStartWh: 10_000, at: at(0), sessionId: id })
        emit('state', { state: 'charging' })
        await report.queued()
        await ocpp.flushed()
        seen.push((await rowsOf(pileId)).connector?.status ?? 'none')
        readings(emit, id, [30, 60, 90, 120, 150])
        emit('state', { state: 'stopping' })
        emit('sessionFinished', finished(id))
        emit('state', { state: 'idle' })
        await report.queued()
        await ocpp.flushed()
        const { order, stored, connector } = await rowsOf(pileId)
        expect(seen).toEqual(['available', 'charging'])
        expect(order).toMatchObject({
          kind: 'free',
          sessionId: id,
          vehicle,
          state: 'settled',
          openedAt: new Date(at(0)),
          endedAt: new Date(at(200)),
          meterStartWh: 10_000,
          meterStopWh: 14_000,
          energyWh: 4_000,
        })
        // 30 s and 90 s fall inside the interval after 0 s and 60 s; 150 s inside the one after 120 s.
        expect(stored).toEqual(storedReadings)
        expect(connector?.status).toBe('available')
      } finally {
        report.stop()
        await ocpp.close()
        await served.close()
      }
    })

    it('a pile offline, then restarted on its file queue mid-session, delivers everything in order once the server is up', async () => {
      const { pileId } = await addTestCharger(database, 'CP-OFFLINE', password, { ratedPowerW: 120_000 })
      const port = await freePort()
      const url = `ws://127.0.0.1:${port}/ocpp`
      const id = hexOf(0x0ff1, 16)
      const first = await client('CP-OFFLINE', url, 'offline.queue')
      const { agent, emit } = agentEvents()
      let report = reportPile(agent, first)
      void first.start()
      emit('state', { state: 'connecting' })
      emit('sessionStarted', { id, kind: 'free', vehicle, meterStartWh: 10_000, at: at(0), sessionId: id })
      emit('state', { state: 'charging' })
      readings(emit, id, [60])
      report.stop()
      await report.queued()
      await first.close()

      // The agent restarts on the same queue, resumes charging (no new sessionStarted), and the server comes up.
      let second: OcppClient | undefined
      const served = await serveOcpp(database, { port })
      try {
        second = await client('CP-OFFLINE', url, 'offline.queue')
        report = reportPile(agent, second)
        readings(emit, id, [120])
        emit('sessionFinished', finished(id))
        emit('state', { state: 'idle' })
        report.stop()
        await report.queued()
        await second.start()
        await second.flushed()
        const { order, stored, connector } = await rowsOf(pileId)
        expect(order).toMatchObject({ kind: 'free', sessionId: id, state: 'settled', energyWh: 4_000 })
        expect(stored).toEqual(storedReadings)
        expect(connector?.status).toBe('available')
      } finally {
        await second?.close()
        await served.close()
      }
    })
  })
}
