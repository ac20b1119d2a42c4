// The real pile agent on the Linux drivers: its main program runs as a child process — GPIO through fake libgpiod v2
// tools, a jsmodbus DDSD1352 and the HC-05 link through serialport on socat ptys — against anvil, with the car's agent
// in this process. Once a paid charge has the relay on: (1) the pile agent is killed with SIGKILL, and the relay line
// must go low and stay low; (2) the meter stops answering, and the pile must switch the relay off and settle the
// session on the car's last voucher. Breaks that fail them: the GPIO guard's `offAtEnd` not sent
// (packages/hardware-linux/src/gpio/output.ts: the killed holder leaves line 22 high); the Modbus driver's retry
// loop never giving up (`attempt <= attempts` made `attempt > 0` in modbusMeter.ts: the charge goes on); the pile's
// serial accept not waiting for the HC-05's STATE line (apps/pile-agent/src/link.ts: it talks before pairing).
// (3) With a `management` section the same process reports to an OCPP server (PGlite here): its boot, the connector
// charging, the escrow session as a transaction, and the stop with the register. Break: main.ts not calling
// `management.report(agent)` (the connector never shows charging).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger, openJournal } from '@chargechain/agent-core'
import { spawnAgent } from '@chargechain/agent-core/testing'
import { privateKeySigner } from '@chargechain/chain'
import { connectors, orders, piles } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { defined } from '@chargechain/errors'
import { createChargingSimulation } from '@chargechain/hardware'
import { serialLink } from '@chargechain/hardware-linux'
import { createFakeGpioChip, openPtyPair, startFakeModbusMeter } from '@chargechain/hardware-linux/testing'
import { addTestCharger, serveOcpp } from '@chargechain/ocpp/testing'
import { createVehicleAgent, vehicleConfigSchema, vehicleJournal } from '@chargechain/vehicle'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { pileConfigFor, vehicleConfigFor } from '../src/agentConfigs.js'
import { type DevNet, startDevNet } from '../src/devnet.js'
import { planFleet } from '../src/fleet.js'
import { type ProvisionedFleet, provisionFleet } from '../src/provision.js'

const pileMain = fileURLToPath(new URL('../../pile-agent/src/main.ts', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let devnet: DevNet
let fleet: ProvisionedFleet
beforeAll(async () => {
  devnet = await startDevNet()
  fleet = await provisionFleet(devnet, planFleet({ piles: 1, cars: 1, seed: 13 }))
}, 120_000)
afterAll(() => devnet?.stop())

/** A pile agent process charging the escrow car: relay on, state `charging`. */
async function chargingPile(timing = {}, more: { config?: object; env?: Record<string, string> } = {}) {
  const { plan } = fleet
  const pile = defined(plan.piles[0], 'the first pile')
  const car = defined(plan.cars[0], 'the first car')
  const directory = await mkdtemp(join(tmpdir(), 'linux-pile-'))
  const chip = await createFakeGpioChip()
  const linkPty = await openPtyPair()
  const meterPty = await openPtyPair()
  const meter = await startFakeModbusMeter({ path: meterPty.peerPath, profile: 'ddsd1352' })
  const config = join(directory, 'pile.json')
  await writeFile(
    config,
    JSON.stringify({
      pile: pileConfigFor(plan, pile, devnet.deployment, devnet.chain.rpcUrl, {
        meterIntervalMs: 30_000,
        ...timing,
      }),
      key: { devPrivateKey: pile.agent.privateKey },
      journal: join(directory, 'pile.journal'),
      hardware: {
        driver: 'linux',
        gpio: { tools: { dir: chip.toolsDir } },
        meter: { modbus: { path: meterPty.devicePath, profile: 'ddsd1352', timeoutMs: 200, attempts: 2 } },
      },
      link: { serial: { path: linkPty.devicePath } },
      ...more.config,
    }),
  )
  const agent = spawnAgent({
    script: pileMain,
    args: ['--config', config],
    env: { ...chip.env, ...more.env },
  })
  const world = createChargingSimulation({ speed: 1 })
  const journal = await openJournal(join(directory, 'car.journal'), vehicleJournal)
  const vehicle = createVehicleAgent({
    config: vehicleConfigSchema.parse(vehicleConfigFor(fleet, car, devnet.deployment, devnet.chain.rpcUrl)),
    hardware: { meter: world.car.meter, lights: world.car.lights },
    link: { connect: (signal) => serialLink({ path: linkPty.peerPath }).connect(signal) },
    chain: devnet.clientFor(privateKeySigner(car.key.privateKey)),
    journal,
    logger: createLogger({ name: 'car', level: 'silent' }),
    clock: world.clock,
  })
  const stop = new AbortController()
  const carRun = vehicle.runOnce(stop.signal).catch(() => {})
  const close = async () => {
    stop.abort()
    await agent.kill('SIGKILL')
    await carRun
    await journal.close()
    await world.close()
    await meter.close()
    await meterPty.close()
    await linkPty.close()
    await chip.close()
  }
  try {
    await agent.waitForState('idle', 30_000)
    await chip.drive(2, true) // a car parks on the arrival sensor
    await agent.waitForState('connecting', 30_000)
    // The pile talks on the serial link only once its HC-05 reports a paired peer on STATE (BCM 17).
    await sleep(1_500)
    if (agent.states.at(-1) !== 'connecting') throw new Error('the pile talked before its HC-05 paired')
    await chip.drive(17, true)
    await agent.waitForState('starting', 60_000)
    await chip.drive(27, true) // the driver presses gun-in
    await sleep(200)
    await chip.drive(27, false)
    await agent.waitForState('charging', 30_000)
  } catch (error) {
    await close()
    throw error
  }
  return { agent, chip, meter, directory, journalPath: join(directory, 'pile.journal'), close }
}

it('kill -9 of the charging pile agent leaves the relay off (fake libgpiod tools)', async () => {
  const { agent, chip, close } = await chargingPile()
  try {
    expect(await chip.level(22)).toBe(true)
    await agent.kill('SIGKILL')
    const until = Date.now() + 10_000
    while ((await chip.level(22)) || (await chip.holder(22)) !== undefined) {
      if (Date.now() > until) throw new Error('the relay line is still high or held after the kill')
      await sleep(50)
    }
    await sleep(500)
    expect(await chip.level(22)).toBe(false)
    expect(await chip.level(4)).toBe(false)
  } finally {
    await close()
  }
}, 180_000)

it('a meter that stops answering stops the charge: relay off, session settled on the last voucher', async () => {
  const { agent, chip, meter, journalPath, close } = await chargingPile({ meterIntervalMs: 2_000 })
  try {
    expect(await chip.level(22)).toBe(true)
    meter.silence()
    await agent.waitForState('settling', 60_000)
    expect(await chip.level(22)).toBe(false)
    const stopped = await agent.waitForLog((line) => line.msg === 'session settled', 30_000)
    expect(stopped).toMatchObject({ kind: 'escrow' })
    expect(agent.logs.some((line) => line.msg === 'meter read failed')).toBe(true)
    // The journal keeps why the session stopped.
    expect(await readFile(journalPath, 'utf8')).toContain('"stopReason":"meterFailure"')
  } finally {
    await close()
  }
}, 180_000)

it('reports to the management server over OCPP: boot, statuses, the escrow session as a transaction, the stop', async () => {
  const [pglite] = testEngines
  if (!pglite) throw new Error('no PGlite test engine')
  const database = await pglite.open()
  const { pileId } = await addTestCharger(database, 'CP-PI-1', 'pi-charger-password-1', {
    ratedPowerW: 7_000,
  })
  const served = await serveOcpp(database)
  const queue = join(await mkdtemp(join(tmpdir(), 'pile-ocpp-queue-')), 'ocpp.queue')
  const management = { url: served.endpoint, identity: 'CP-PI-1', queue, meterIntervalSeconds: 1 }
  const { agent, chip, meter, close } = await chargingPile(
    { meterIntervalMs: 2_000 },
    { config: { management }, env: { CHARGECHAIN_OCPP_PASSWORD: 'pi-charger-password-1' } },
  )
  const connector = async () =>
    (await database.db.select().from(connectors).where(eq(connectors.pileId, pileId)))[0]
  const order = async () => (await database.db.select().from(orders).where(eq(orders.pileId, pileId)))[0]
  try {
    await expect.poll(async () => (await connector())?.status, { timeout: 30_000 }).toBe('charging')
    const charging = await order()
    expect(charging).toMatchObject({ kind: 'escrow', state: 'charging', meterStopWh: null })
    const [pile] = await database.db.select().from(piles).where(eq(piles.id, pileId))
    expect([pile?.brand, pile?.model]).toEqual(['ChargeChain', 'pile-agent'])
    meter.silence()
    await agent.waitForState('settling', 60_000)
    await agent.waitForLog((line) => line.msg === 'session settled', 30_000)
    await expect.poll(async () => (await order())?.meterStopWh, { timeout: 60_000 }).not.toBeNull()
    const stopped = await order()
    expect(stopped?.sessionId).toBe(charging?.sessionId)
    expect((stopped?.meterStopWh ?? 0) - (stopped?.meterStartWh ?? 0)).toBe(stopped?.energyWh)
    expect(await chip.level(22)).toBe(false)
  } finally {
    await close()
    await served.close()
    await database.close()
  }
}, 180_000)
