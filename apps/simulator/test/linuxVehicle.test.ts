// The real vehicle agent on the Linux drivers: its main program runs as a child process reading the car's energy over
// OBD-II through an slcan adapter (a fake one on a pty, with the battery ECU on its bus), showing its state on GPIO
// lamps (fake libgpiod tools), and talking to the pile over an HC-05 serial link (serialport on another pty). The
// pile agent runs in this process on simulated hardware, against anvil. Break that fails it: the ECU's energy counter
// not fed from the world (the car's meter disagrees with the pile's and it stops vouchering).
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger, openJournal } from '@chargechain/agent-core'
import { spawnAgent } from '@chargechain/agent-core/testing'
import { privateKeySigner } from '@chargechain/chain'
import { defined } from '@chargechain/errors'
import { chargers, createChargingSimulation } from '@chargechain/hardware'
import { serialLink } from '@chargechain/hardware-linux'
import {
  createFakeGpioChip,
  fakeCarObdMap,
  openPtyPair,
  startFakeSlcanAdapter,
} from '@chargechain/hardware-linux/testing'
import { createPileAgent, pileConfigSchema, pileJournal, type SessionFinished } from '@chargechain/pile'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { pileConfigFor, vehicleConfigFor } from '../src/agentConfigs.js'
import { type DevNet, startDevNet } from '../src/devnet.js'
import { planFleet } from '../src/fleet.js'
import { type ProvisionedFleet, provisionFleet } from '../src/provision.js'

const vehicleMain = fileURLToPath(new URL('../../vehicle-agent/src/main.ts', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let devnet: DevNet
let fleet: ProvisionedFleet
beforeAll(async () => {
  devnet = await startDevNet()
  fleet = await provisionFleet(devnet, planFleet({ piles: 1, cars: 1, seed: 17 }))
}, 120_000)
afterAll(() => devnet?.stop())

it('charges and pays with the car on OBD over slcan, GPIO lamps and a serial link', async () => {
  const { plan } = fleet
  const pile = defined(plan.piles[0], 'the first pile')
  const car = defined(plan.cars[0], 'the first car')
  const directory = await mkdtemp(join(tmpdir(), 'linux-car-'))
  const chip = await createFakeGpioChip()
  const linkPty = await openPtyPair()
  const canPty = await openPtyPair()
  const adapter = await startFakeSlcanAdapter(canPty.peerPath)
  const world = createChargingSimulation({
    // Real time, as the car's process keeps it; a DC charger, so a test's worth of energy flows in seconds.
    speed: 1,
    charger: chargers.dc60kW,
    battery: { startSoc: 0.4 },
  })

  // The battery ECU follows the simulated battery: its charged-energy counter and current.
  let fedWh = world.state().batteryEnergyWh
  const feeder = setInterval(() => {
    const now = world.state()
    adapter.ecu.charge(now.batteryEnergyWh - fedWh)
    adapter.ecu.setCurrent(-(now.batteryPowerW / adapter.ecu.state.voltageV))
    fedWh = now.batteryEnergyWh
  }, 50)

  const config = join(directory, 'car.json')
  await writeFile(
    config,
    JSON.stringify({
      vehicle: vehicleConfigFor(fleet, car, devnet.deployment, devnet.chain.rpcUrl),
      key: { devPrivateKey: car.key.privateKey },
      journal: join(directory, 'car.journal'),
      hardware: {
        driver: 'linux',
        can: { slcan: { path: canPty.devicePath } },
        obd: fakeCarObdMap,
        lights: {
          tools: { dir: chip.toolsDir },
          lines: { red: { line: 5 }, yellow: { line: 6 }, green: { line: 13 } },
        },
      },
      link: { serial: { path: linkPty.peerPath } },
    }),
  )
  const agent = spawnAgent({ script: vehicleMain, args: ['--config', config], env: chip.env })

  const journal = await openJournal(join(directory, 'pile.journal'), pileJournal)
  const pileAgent = createPileAgent({
    config: pileConfigSchema.parse(
      pileConfigFor(plan, pile, devnet.deployment, devnet.chain.rpcUrl, { meterIntervalMs: 2_000 }),
    ),
    hardware: {
      arrival: world.pile.arrival,
      gun: world.pile.gun,
      relay: world.pile.relay,
      meter: world.pile.meter,
      bluetoothPower: world.pile.bluetoothPower,
      linkStatus: world.pile.link,
    },
    link: { accept: (signal) => serialLink({ path: linkPty.devicePath }).accept(signal) },
    chain: devnet.clientFor(privateKeySigner(pile.agent.privateKey)),
    journal,
    logger: createLogger({ name: 'pile', level: 'silent' }),
    clock: world.clock,
  })
  const states: string[] = []
  pileAgent.on('state', ({ state }) => states.push(state))
  let finished: SessionFinished | undefined
  pileAgent.on('sessionFinished', (session) => {
    finished = session
  })
  const stop = new AbortController()
  const pileRun = pileAgent.run(stop.signal).catch(() => {})
  const waitFor = async (
    condition: () => boolean | Promise<boolean>,
    what: string | (() => string),
    timeoutMs = 60_000,
  ) => {
    const until = Date.now() + timeoutMs
    while (!(await condition())) {
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`)
      await sleep(50)
    }
  }
  let greenSeen = false
  try {
    await agent.waitForState('waiting', 30_000)
    world.arrive()
    await waitFor(() => world.pile.bluetoothPower.physical(), 'the pile to power its HC-05')
    world.connectLink()
    await waitFor(() => states.includes('starting'), 'payment')
    world.plug()
    await waitFor(async () => {
      greenSeen ||= await chip.level(13)
      return (world.state().gridEnergyWh >= 150 || states.includes('stopping')) && greenSeen
    }, 'charge with the green lamp on')
    world.unplug()
    await waitFor(() => states.includes('departing'), 'the pile to finish the session')
    world.leave()
    await waitFor(() => finished !== undefined, 'the session to settle')
    // Ended by the driver taking the gun, with the car vouchering along all the way.
    expect(finished).toMatchObject({ kind: 'escrow', stopReason: 'gunRemoved' })
    expect(finished?.energyWh).toBeGreaterThanOrEqual(150)
    expect(finished?.amount).toBeGreaterThan(0n)
    expect(adapter.commands.slice(0, 3)).toEqual(['C', 'S6', 'O'])
  } finally {
    clearInterval(feeder)
    stop.abort()
    await agent.kill('SIGTERM')
    await pileRun
    await journal.close()
    await world.close()
    await adapter.close()
    await canPty.close()
    await linkPty.close()
  }
  // A stopped car shows no lamp.
  expect([await chip.level(5), await chip.level(6), await chip.level(13)]).toEqual([false, false, false])
  await chip.close()
}, 240_000)
