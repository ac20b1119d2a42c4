// The management server's Reset of a running pile agent (runPileService, as main runs it), on anvil with a real car
// and a real OCPP server: a Soft reset during a paid charge ends it as an ordinary stop, settled on chain, then
// starts a new OCPP client (a second BootNotification) and a new agent that answers the server; a Hard reset ends
// the service with HardResetError, which main turns into exit code 1 for systemd to restart.
// Breaks tried (seen failing, restored): service.ts `if (signal.aborted || reset === undefined) return` → `return`
// (the service ends after a Soft reset: no second boot); `if (reset === 'Hard')` → `if (false)` (a Hard reset
// restarts in process instead of exiting).
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openJournal } from '@chargechain/agent-core'
import type { Database } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { chargers, createChargingSimulation } from '@chargechain/hardware'
import type { OcppLogger } from '@chargechain/ocpp'
import { addTestCharger, type ServedOcpp, serveOcpp } from '@chargechain/ocpp/testing'
import { pileJournal } from '@chargechain/pile'
import { createLinkBroker } from '@chargechain/pile/testing'
import { createVehicleAgent, type VehicleSessionFinished, vehicleJournal } from '@chargechain/vehicle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Chain,
  channelLedgerFor,
  lastSessionState,
  pileConfig,
  silent,
  startChain,
  tempJournal,
  vehicleConfig,
  waitFor,
} from '../../../packages/pile/test/fixture.js'
import { HardResetError } from '../src/errors.js'
import { connectManagement, managementSchema } from '../src/management.js'
import { runPileService } from '../src/service.js'

const password = 'pile-reset-password-1'
const env = { CHARGECHAIN_OCPP_PASSWORD: password }

describe('the management server resets a pile agent', () => {
  let chain: Chain
  let database: Database
  let served: ServedOcpp
  let pileId: number
  let boots = 0
  /** Counts the server's BootNotifications. */
  const logger: OcppLogger = {
    debug() {},
    info: (_fields, message) => {
      if (message === 'boot') boots++
    },
    warn() {},
    error() {},
  }

  beforeAll(async () => {
    chain = await startChain()
    const engine = testEngines[0]
    if (!engine) throw new Error('no test database engine')
    database = await engine.open()
    ;({ pileId } = await addTestCharger(database, 'CP-RESET', password))
    served = await serveOcpp(database, { logger })
  }, 120_000)
  afterAll(async () => {
    await served?.close()
    await database?.close()
    await chain?.stop()
  })

  /** A pile agent's service on a simulated pile, reporting to the server; `run` rejects as the service does. */
  async function startService() {
    const world = createChargingSimulation({ speed: 60, charger: chargers.ac7kW })
    const broker = createLinkBroker()
    const management = managementSchema.parse({
      url: served.endpoint,
      identity: 'CP-RESET',
      queue: join(await mkdtemp(join(tmpdir(), 'pile-reset-')), 'ocpp.queue'),
    })
    const controller = new AbortController()
    const run = runPileService(
      {
        agent: {
          config: pileConfig(chain),
          hardware: { ...world.pile, linkStatus: world.pile.link },
          link: broker.pile,
          chain: chain.pileAgentClient,
          journal: await openJournal(await tempJournal('pile'), pileJournal),
          logger: silent,
          clock: world.clock,
        },
        channelLedger: channelLedgerFor(chain),
        connectManagement: () => connectManagement(management, silent, env),
        logger: silent,
      },
      controller.signal,
    )
    let ended = false
    void run.then(
      () => {
        ended = true
      },
      () => {
        ended = true
      },
    )
    const stop = async () => {
      controller.abort()
      await run.catch(() => {})
      await world.close()
    }
    return { world, broker, run, stop, ended: () => ended }
  }

  it('Soft: the charge ends settled, then a new OCPP client boots and a new agent answers the server', async () => {
    const service = await startService()
    const { world } = service
    try {
      await waitFor(() => boots === 1)
      const car = createVehicleAgent({
        config: vehicleConfig(chain),
        hardware: world.car,
        link: service.broker.car,
        chain: chain.cars.escrow,
        journal: await openJournal(await tempJournal('vehicle'), vehicleJournal),
        logger: silent,
        clock: world.clock,
      })
      const finished = new Promise<VehicleSessionFinished>((resolve) => car.on('sessionFinished', resolve))
      const carRun = car.runOnce(new AbortController().signal)
      world.arrive()
      world.plug()
      await waitFor(() => world.state().relayOn && world.state().gridEnergyWh >= 20)
      await served.ocpp.commands.reset(pileId, 'Soft')
      const carSide = await finished
      expect(carSide).toMatchObject({ kind: 'escrow', outcome: 'settled' })
      expect(carSide.amount).toBeGreaterThan(0n)
      expect(await lastSessionState(chain, chain.cars.escrow)).toMatchObject({
        status: 'settled',
        amount: carSide.amount,
      })
      world.unplug()
      world.leave()
      await carRun
      // The restart: a second boot, and the new agent on the new client takes the server's commands.
      await waitFor(() => boots === 2)
      await served.ocpp.commands.triggerMessage(pileId, 'MeterValues')
      expect(service.ended()).toBe(false)
    } finally {
      await service.stop()
    }
  }, 240_000)

  it('Hard: the service ends with HardResetError, for the process to exit 1 and be restarted', async () => {
    boots = 0
    const service = await startService()
    try {
      await waitFor(() => boots === 1)
      await served.ocpp.commands.reset(pileId, 'Hard')
      await expect(service.run).rejects.toBeInstanceOf(HardResetError)
    } finally {
      await service.stop()
    }
  }, 120_000)
})
