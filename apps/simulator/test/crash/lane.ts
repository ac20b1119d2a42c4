// One lane of the crash matrix: a pile and a car of the provisioned fleet, each a real agent process on its own
// journal, in one simulated world that outlives them (hardware served over Unix sockets, the Bluetooth pair as a TCP
// radio, the chain through a tap). A lane serves one visit after another, so most cases start no process but the
// restart of the one they kill.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AgentProcess, spawnAgent } from '@chargechain/agent-core/testing'
import { type ChargingSimulation, createChargingSimulation } from '@chargechain/hardware'
import { pileConfigFor, vehicleConfigFor } from '../../src/agentConfigs.js'
import type { DevNet } from '../../src/devnet.js'
import { type CarPlan, operatorOf, type PilePlan } from '../../src/fleet.js'
import type { ProvisionedFleet } from '../../src/provision.js'
import type { AgentBundles } from './bundles.js'
import { serveOnSocket } from './hardwareServer.js'
import { openRadio, type Radio } from './radio.js'
import { openRpcTap, type RpcTap } from './rpcTap.js'

export type Flow = 'escrow' | 'free' | 'channel'
export type AgentName = 'pile' | 'car'

/** Simulated time per real second: a visit takes a second or two, a restart some simulated minutes. */
const SPEED = 200
const HOUR = 3_600_000

// Generous in simulated time: a killed agent takes a real second or so (minutes, simulated) to come back.
const pileLinkTimeouts = {
  connectTimeoutMs: HOUR,
  answerTimeoutMs: HOUR,
  paymentTimeoutMs: HOUR,
  plugTimeoutMs: HOUR,
  voucherWaitMs: 2_000,
  // The car it waits for may be a process restarting on a loaded machine: many real seconds.
  reconnectTimeoutMs: 4 * HOUR,
}
// A car that lost its pile gives up after an hour (18 real seconds): long enough for a restart, short enough that a car
// killed after its pile handed it the receipt but before it journaled it (the pile has gone idle, the car rejoins it
// in vain) still ends its visit in time.
const vehicleLinkTimeouts = {
  helloTimeoutMs: HOUR,
  answerTimeoutMs: HOUR,
  silenceTimeoutMs: HOUR,
  reconnectTimeoutMs: HOUR,
}

/** One agent of the lane: its process (replaced at each restart), journal and way to the chain. */
export interface LaneAgent {
  readonly name: AgentName
  readonly journal: string
  readonly tap: RpcTap
  /** The running process; undefined between a kill and the restart. */
  readonly process: AgentProcess | undefined
  /** The state the running process last entered. */
  state(): string | undefined
  /** SIGKILL, at once (the signal is sent before this returns its promise); resolves when the process is gone. */
  kill(): Promise<void>
  /** Starts the process again on the same journal; resolves once it is up (the pile listening for cars). */
  start(): Promise<void>
}

export interface Lane {
  readonly flow: Flow
  readonly pile: PilePlan
  readonly car: CarPlan
  readonly world: ChargingSimulation
  readonly pileAgent: LaneAgent
  readonly carAgent: LaneAgent
  /** The pile's channel ledger file (channel lanes). */
  readonly ledger: string
  /** The Bluetooth pair: shows the link messages passing. */
  readonly radio: Radio
  /** Resolves once no pile process holds the pile's hardware (its outputs then off, as after a power cut). */
  pileHardwareReleased(): Promise<void>
  close(): Promise<void>
}

export interface LaneOptions {
  devnet: DevNet
  fleet: ProvisionedFleet
  bundles: AgentBundles
  flow: Flow
  pile: PilePlan
  car: CarPlan
}

export async function openLane(options: LaneOptions): Promise<Lane> {
  const { devnet, fleet, bundles, flow, pile, car } = options
  const directory = await mkdtemp(join(tmpdir(), `crash-${flow}-`))
  const world = createChargingSimulation({
    speed: SPEED,
    charger: pile.charger,
    battery: { capacityWh: car.batteryWh, startSoc: 0.1 },
    vehicleMeterError: car.meterError,
  })
  const parts = world.pile
  const pileHardware = await serveOnSocket(
    {
      arrival: parts.arrival,
      gun: parts.gun,
      link: parts.link,
      relay: parts.relay,
      bluetoothPower: parts.bluetoothPower,
      meter: parts.meter,
    },
    world.clock,
  )
  const carHardware = await serveOnSocket({ meter: world.car.meter, lights: world.car.lights }, world.clock)
  const rpcUrl = devnet.chain.rpcUrl
  const [pileTap, carTap] = await Promise.all([openRpcTap(rpcUrl), openRpcTap(rpcUrl)])
  let pilePort: number | undefined
  const radio: Radio = await openRadio(world, () => pilePort)

  const operator = operatorOf(fleet.plan, pile.operator)
  const ledger = join(directory, 'channels.journal')
  const pileBase = pileConfigFor(fleet.plan, pile, devnet.deployment, pileTap.url)
  const pileConfig = join(directory, 'pile.json')
  await writeFile(
    pileConfig,
    JSON.stringify({
      // Every session's channel voucher goes on chain at once, so each visit's channel payment is checked there.
      pile: { ...pileBase, link: pileLinkTimeouts, channelSettle: { everySessions: 1, minAmount: '1' } },
      key: { devPrivateKey: pile.agent.privateKey },
      journal: join(directory, 'pile.journal'),
      hardware: { driver: 'remote', socket: pileHardware.path },
      link: { tcp: { host: '127.0.0.1', port: 0 } },
      ...(flow === 'channel'
        ? { channels: { ledger, operatorKey: { devPrivateKey: operator.payout.privateKey } } }
        : {}),
    }),
  )
  const carConfig = join(directory, 'car.json')
  await writeFile(
    carConfig,
    JSON.stringify({
      vehicle: {
        ...vehicleConfigFor(fleet, car, devnet.deployment, carTap.url),
        link: vehicleLinkTimeouts,
        settlementPollMs: 5_000,
      },
      key: { devPrivateKey: car.key.privateKey },
      journal: join(directory, 'car.journal'),
      hardware: { driver: 'remote', socket: carHardware.path },
      link: { tcp: { host: '127.0.0.1', port: radio.port } },
    }),
  )

  const pileAgent = laneAgent('pile', bundles.pile, pileConfig, join(directory, 'pile.journal'), pileTap, {
    async ready(process) {
      const line = await process.waitForLog((entry) => entry.msg === 'link listening', 90_000)
      pilePort = line.port as number
    },
    gone() {
      pilePort = undefined
    },
  })
  const carAgent = laneAgent('car', bundles.vehicle, carConfig, join(directory, 'car.journal'), carTap, {
    ready: (process) => process.waitForLog((entry) => entry.msg === 'vehicle agent starting', 90_000),
    gone() {},
  })
  await Promise.all([pileAgent.start(), carAgent.start()])
  return {
    flow,
    pile,
    car,
    world,
    pileAgent,
    carAgent,
    ledger,
    radio,
    pileHardwareReleased: () => pileHardware.disconnected(),
    async close() {
      await Promise.all([pileAgent.stop(), carAgent.stop()])
      await radio.close()
      await Promise.all([pileTap.close(), carTap.close()])
      await Promise.all([pileHardware.close(), carHardware.close()])
      await world.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}

function laneAgent(
  name: AgentName,
  script: string,
  config: string,
  journal: string,
  tap: RpcTap,
  hooks: { ready(process: AgentProcess): Promise<unknown>; gone(): void },
): LaneAgent & { stop(): Promise<void> } {
  let current: AgentProcess | undefined
  return {
    name,
    journal,
    tap,
    get process() {
      return current
    },
    state: () => current?.states.at(-1),
    kill() {
      const process = current
      current = undefined
      hooks.gone()
      if (!process) return Promise.resolve()
      return process.kill('SIGKILL').then(() => undefined)
    },
    async start() {
      const process = spawnAgent({ script, nodeArgs: [], args: ['--config', config] })
      current = process
      await hooks.ready(process)
    },
    async stop() {
      const process = current
      current = undefined
      if (!process) return
      // SIGTERM as an operator would; SIGKILL if it has not gone within a few seconds (a test must never hang).
      const timer = setTimeout(() => void process.kill('SIGKILL'), 5_000)
      await process.kill('SIGTERM')
      clearTimeout(timer)
    },
  }
}
