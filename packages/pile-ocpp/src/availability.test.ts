// ChangeAvailability kept across the pile agent's restart: Inoperative during a charge is Scheduled and applied when
// it ends; an agent restarted on that journal reports Unavailable and leaves an arriving car waiting until Operative;
// Inoperative given while idle (no transition follows it) is still there after the next restart.
// Breaks tried (seen failing, restored): agent.ts `createCommandBox(!options.journal.replay()?.value.data.unavailable)`
// → `createCommandBox(true)` (the restarted pile is available); availability.ts `available() ? rest : { …rest,
// unavailable: true }` → `rest` (nothing journaled); agent.ts `await availability.write()` removed (the idle pile's
// Inoperative is lost on restart).
import { openJournal } from '@chargechain/agent-core'
import { connectors, type Database } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { chargers, createChargingSimulation } from '@chargechain/hardware'
import {
  type ChargePointStatus,
  createMemoryQueue,
  createOcppClient,
  type OcppClient,
  type OcppClientHandlers,
} from '@chargechain/ocpp'
import { addTestCharger, type ServedOcpp, serveOcpp } from '@chargechain/ocpp/testing'
import { type PileAgent, pileJournal } from '@chargechain/pile'
import { createLinkBroker } from '@chargechain/pile/testing'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, runSession, startChain, testPileAgent, waitFor } from '../../pile/test/fixture.js'
import { pileCommandHandlers } from './pileCommands.js'
import { type PileReport, reportPile } from './reportPile.js'

const password = 'pile-availability-password-1'
const unavailable = { sent: 'Unavailable', server: 'offline', connected: true }

describe("a pile's availability across restarts", () => {
  let chain: Chain
  let database: Database
  let served: ServedOcpp
  const clients: OcppClient[] = []

  beforeAll(async () => {
    chain = await startChain()
    const engine = testEngines[0]
    if (!engine) throw new Error('no test database engine')
    database = await engine.open()
    served = await serveOcpp(database)
  }, 120_000)
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()))
    await served?.close()
    await database?.close()
    await chain?.stop()
  })

  /** A charger on the server, its client connected, reporting and answering for the agent `attach` is given. */
  async function charger(identity: string) {
    const { pileId } = await addTestCharger(database, identity, password)
    const handlers: OcppClientHandlers = {}
    const client = await createOcppClient({
      url: served.endpoint,
      identity,
      password,
      connectors: 1,
      queue: createMemoryQueue(),
      boot: { vendor: 'ChargeChain', model: 'Pile' },
      handlers,
    })
    clients.push(client)
    await client.start()
    let report: PileReport | undefined
    const sent: ChargePointStatus[] = []
    // The client as reportPile uses it, noting each status it sends.
    const noting: Parameters<typeof reportPile>[1] = {
      status(connector, status) {
        sent.push(status)
        return client.status(connector, status)
      },
      startTransaction: (start) => client.startTransaction(start),
      meterValues: (connector, transaction, readings) => client.meterValues(connector, transaction, readings),
      stopTransaction: (transaction, stop) => client.stopTransaction(transaction, stop),
    }
    return {
      pileId,
      attach(pile: PileAgent) {
        report = reportPile(pile, noting, { meterIntervalMs: 3_600_000 })
        Object.assign(handlers, pileCommandHandlers(pile, { report }))
      },
      /**
       * The last status sent, once delivered; the server files Unavailable as `offline` (out of service, as a charger
       * that is gone), the charger still connected.
       */
      async status() {
        await report?.queued()
        await client.flushed()
        const [row] = await database.db.select().from(connectors).where(eq(connectors.pileId, pileId))
        return { sent: sent.at(-1), server: row?.status, connected: client.state === 'online' }
      },
    }
  }

  /** The pile agent started again on `journalPath`, in a fresh world with nobody at the pile. */
  async function restarted(journalPath: string) {
    const world = createChargingSimulation({ speed: 60, charger: chargers.ac7kW })
    const journal = await openJournal(journalPath, pileJournal)
    const pile = testPileAgent(chain, { world, link: createLinkBroker().pile, journal })
    const controller = new AbortController()
    return {
      world,
      pile,
      run: () => pile.run(controller.signal),
      async stop() {
        controller.abort()
        await journal.close()
        await world.close()
      },
    }
  }

  it('Inoperative is Scheduled during a charge, applied after it, and kept by the restarted pile until Operative', async () => {
    const first = await charger('CP-AVAIL-1')
    const answers: string[] = []
    const session = await runSession(chain, {
      car: chain.cars.owner,
      unplugAtWh: 60,
      attach: (pile) => first.attach(pile),
      during: async () => {
        answers.push(await served.ocpp.commands.changeAvailability(first.pileId, 0, 'Inoperative'))
      },
    })
    await session.pileFinished
    await session.done
    expect(answers).toEqual(['Scheduled'])
    expect(await first.status()).toEqual(unavailable)

    // Restarted on the same journal (reporting as a second charger, whose status starts blank on the server).
    const second = await charger('CP-AVAIL-2')
    const again = await restarted(session.journals.pile)
    const running = again.run()
    try {
      second.attach(again.pile)
      expect(again.pile.status().available).toBe(false)
      expect(await second.status()).toEqual(unavailable)
      again.world.arrive()
      // A minute on the pile's clock with the car there: it is not served.
      await again.world.clock.sleep(60_000, new AbortController().signal)
      expect(again.pile.status().state).toBe('idle')
      expect(await served.ocpp.commands.changeAvailability(second.pileId, 0, 'Operative')).toBe('Accepted')
      await waitFor(() => again.pile.status().state === 'connecting')
      again.world.leave()
      await waitFor(() => again.pile.status().state === 'idle')
      // Inoperative while idle: no step follows it into the journal but the availability's own record.
      expect(await served.ocpp.commands.changeAvailability(second.pileId, 1, 'Inoperative')).toBe('Accepted')
      expect(await second.status()).toEqual(unavailable)
    } finally {
      await again.stop()
      await running
    }
    const third = await restarted(session.journals.pile)
    try {
      expect(third.pile.status().available).toBe(false)
    } finally {
      await third.stop()
    }
  }, 240_000)
})
