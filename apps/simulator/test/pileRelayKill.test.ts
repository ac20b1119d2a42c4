// Relay safety with the real pile agent: its main program runs as a child process on the Linux drivers — GPIO through
// fake libgpiod v2 tools, a jsmodbus DDSD1352 and the HC-05 link through serialport on socat ptys — against anvil,
// with the car's agent in this process. Once a paid charge has the relay on, the pile agent is killed with SIGKILL:
// the relay line must go low and stay low. Break that fails it: the GPIO guard's `offAtEnd` not sent
// (packages/hardware-linux/src/gpio/output.ts): the killed holder leaves line 22 high.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger, openJournal } from '@chargechain/agent-core'
import { spawnAgent } from '@chargechain/agent-core/testing'
import { privateKeySigner } from '@chargechain/chain'
import { createChargingSimulation } from '@chargechain/hardware'
import { serialLink } from '@chargechain/hardware-linux'
import { createFakeGpioChip, openPtyPair, startFakeModbusMeter } from '@chargechain/hardware-linux/testing'
import { createVehicleAgent, vehicleConfigSchema, vehicleJournal } from '@chargechain/vehicle'
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

it('kill -9 of the charging pile agent leaves the relay off (fake libgpiod tools)', async () => {
  const { plan } = fleet
  const pile = plan.piles[0]!
  const car = plan.cars[0]!
  const directory = await mkdtemp(join(tmpdir(), 'relay-kill-'))
  const chip = await createFakeGpioChip()
  const linkPty = await openPtyPair()
  const meterPty = await openPtyPair()
  const meter = await startFakeModbusMeter({ path: meterPty.peerPath, profile: 'ddsd1352' })
  const config = join(directory, 'pile.json')
  await writeFile(
    config,
    JSON.stringify({
      pile: pileConfigFor(plan, pile, devnet.deployment, devnet.chain.rpcUrl),
      key: { devPrivateKey: pile.agent.privateKey },
      journal: join(directory, 'pile.journal'),
      hardware: {
        driver: 'linux',
        gpio: { tools: { dir: chip.toolsDir } },
        meter: { modbus: { path: meterPty.devicePath, profile: 'ddsd1352' } },
      },
      link: { serial: { path: linkPty.devicePath } },
    }),
  )
  const agent = spawnAgent({ script: pileMain, args: ['--config', config], env: chip.env })

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
  try {
    await agent.waitForState('idle', 30_000)
    await chip.drive(2, true) // a car parks on the arrival sensor
    await agent.waitForState('starting', 60_000)
    await chip.drive(27, true) // the driver presses gun-in
    await sleep(200)
    await chip.drive(27, false)
    await agent.waitForState('charging', 30_000)
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
}, 180_000)
