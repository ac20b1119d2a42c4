// The dashboard's stop button for one of our piles, end to end: the server's RemoteStopTransaction for the order
// reaches a real pile agent (on anvil, with a real car) through its OCPP client and pileCommandHandlers; the charge
// ends 'operatorStopped' and the session settles on chain for what the car vouchered.
// Breaks tried (seen failing, restored): pileCommands.ts `stop: ({ ref }) => …` → `stop: () => false` (the server's
// remoteStop is Rejected and the car charges on); `stopAt: …` → `stopAt: () => false` (stopAt is Rejected).
import type { Database } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import {
  createMemoryQueue,
  createOcppClient,
  type OcppClient,
  type OcppClientHandlers,
} from '@chargechain/ocpp'
import { addTestCharger, type ServedOcpp, serveOcpp } from '@chargechain/ocpp/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, runSession, startChain, waitFor } from '../../pile/test/fixture.js'
import { pileCommandHandlers } from './pileCommands.js'
import { reportPile } from './reportPile.js'

const password = 'pile-commands-password-1'

describe('the server stops a charge through OCPP', () => {
  let chain: Chain
  let database: Database
  let served: ServedOcpp
  let client: OcppClient
  const handlers: OcppClientHandlers = {}
  let transactionId: number | undefined
  beforeAll(async () => {
    chain = await startChain()
    const engine = testEngines[0]
    if (!engine) throw new Error('no test database engine')
    database = await engine.open()
    await addTestCharger(database, 'CP-CMD', password)
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
        reportPile(pile, client, { meterIntervalMs: 0 })
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
  }, 240_000)

  it('stopAt: the charge ends at the first reading at or above the limit', async () => {
    transactionId = undefined
    const readings: number[] = []
    const session = await runSession(chain, {
      car: chain.cars.escrow,
      unplugAtWh: 10_000,
      attach(pile) {
        Object.assign(handlers, pileCommandHandlers(pile))
        reportPile(pile, client, { meterIntervalMs: 0 })
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
})
