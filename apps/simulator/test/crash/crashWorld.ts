// What every crash test needs around the agent it kills: a dev chain with a small provisioned fleet, a simulated world
// that outlives the agent process, the other agent in this process, a driver playing the car's owner, and a reading
// of the journal and the chain to judge the outcome.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { createLogger, openJournal } from '@chargechain/agent-core'
import { type AgentProcess, spawnAgent } from '@chargechain/agent-core/testing'
import { privateKeySigner } from '@chargechain/chain'
import { type ChargingSimulation, createChargingSimulation } from '@chargechain/hardware'
import { type LinkTransport, tcp, tcpServer } from '@chargechain/link'
import { createPileAgent, type PileState, pileConfigSchema, pileJournal } from '@chargechain/pile'
import {
  createVehicleAgent,
  type VehicleSnapshot,
  type VehicleState,
  vehicleConfigSchema,
  vehicleJournal,
} from '@chargechain/vehicle'
import type { Hex } from 'viem'
import { pileConfigFor, vehicleConfigFor } from '../../src/agentConfigs.js'
import { type DevNet, startDevNet } from '../../src/devnet.js'
import { type CarKind, type CarPlan, type PilePlan, planFleet } from '../../src/fleet.js'
import { type ProvisionedFleet, provisionFleet } from '../../src/provision.js'
import { serveOnSocket } from './hardwareServer.js'

export type Flow = 'escrow' | 'free' | 'channel'

/** Simulated time per real second in crash tests: sessions take seconds, restarts a few hundred simulated seconds. */
const SPEED = 200
/** A case that has not finished by then has failed: its agents are stopped so the next case starts clean. */
const CASE_DEADLINE_MS = 40_000
const HOUR = 3_600_000
const pileMain = fileURLToPath(new URL('../../../pile-agent/src/main.ts', import.meta.url))
const vehicleMain = fileURLToPath(new URL('../../../vehicle-agent/src/main.ts', import.meta.url))

// Generous in simulated time: a killed agent takes a few real seconds (many simulated minutes) to come back.
const pileLinkTimeouts = {
  connectTimeoutMs: HOUR,
  answerTimeoutMs: HOUR,
  paymentTimeoutMs: HOUR,
  plugTimeoutMs: HOUR,
  voucherWaitMs: 2_000,
  reconnectTimeoutMs: HOUR,
}
const vehicleLinkTimeouts = {
  helloTimeoutMs: HOUR,
  answerTimeoutMs: HOUR,
  silenceTimeoutMs: HOUR,
  reconnectTimeoutMs: 4 * HOUR,
}

export interface CrashWorld {
  devnet: DevNet
  fleet: ProvisionedFleet
  /** A pile and a car of the fleet for a flow: the car pays that way at that pile. */
  pair(flow: Flow): { pile: PilePlan; car: CarPlan }
  stop(): Promise<void>
}

export async function startCrashWorld(): Promise<CrashWorld> {
  // A short settle window, so a car whose pile never settles gets its refund within the test.
  const devnet = await startDevNet({ settleWindow: 4 })
  try {
    const fleet = await provisionFleet(devnet, planFleet({ piles: 3, cars: 5, seed: 3 }))
    const kindOf: Record<Flow, CarKind> = { escrow: 'escrow', free: 'owner', channel: 'channel' }
    return {
      devnet,
      fleet,
      pair(flow) {
        for (const car of fleet.plan.cars.filter((candidate) => candidate.kind === kindOf[flow])) {
          const pile = fleet.plan.piles.find((candidate) =>
            car.operator === undefined
              ? fleet.plan.operators[candidate.operator]!.currency === car.currency
              : candidate.operator === car.operator,
          )
          if (pile) return { pile, car }
        }
        throw new Error(`The crash fleet has no pile and car for the ${flow} flow.`)
      },
      stop: () => devnet.stop(),
    }
  } catch (error) {
    await devnet.stop()
    throw error
  }
}

/** The latest voucher amount a car's journal holds for a session it paid (its last signed promise), if any. */
/** The car's journaled snapshots, oldest first, read without opening (and so without repairing) the journal. */
async function carSnapshots(journalPath: string): Promise<VehicleSnapshot[]> {
  const text = await readFile(journalPath, 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        JSON.parse(line, (_key, value) =>
          value && typeof value === 'object' && typeof value.$bigint === 'string'
            ? BigInt(value.$bigint)
            : value,
        ).record.value as VehicleSnapshot,
    )
}

export async function lastSignedVoucher(journalPath: string): Promise<bigint | undefined> {
  let amount: bigint | undefined
  for (const snapshot of await carSnapshots(journalPath)) {
    const session = snapshot.data.session
    const voucher = session?.kind === 'escrow' || session?.kind === 'channel' ? session.voucher : undefined
    if (voucher) amount = voucher.amount
  }
  return amount
}

/**
 * The car's side of the Bluetooth link: once the two HC-05s are paired in the world, dial the pile agent's current
 * port, again and again while a restarted pile is not listening yet.
 */
async function connectWhenPaired(
  world: ChargingSimulation,
  port: () => number,
  signal: AbortSignal,
): Promise<LinkTransport> {
  for (;;) {
    signal.throwIfAborted()
    if (world.state().linkConnected) {
      try {
        return await tcp({ port: port() })
      } catch {
        // The pile's process is restarting; its HC-05 will be paired again once it is up.
      }
    }
    await sleep(100, undefined, { signal })
  }
}

/** Plays the people and physics around one visit until the pile is idle again after the car left. */
async function drive(world: ChargingSimulation, pileState: () => string | undefined, signal: AbortSignal) {
  let plugged = false
  let unplugged = false
  let left = false
  let startWh = 0
  world.arrive()
  for (;;) {
    signal.throwIfAborted()
    const state = pileState()
    const now = world.state()
    if (now.carPresent && world.pile.bluetoothPower.physical() && !now.linkConnected) world.connectLink()
    if (state === 'starting' && !plugged) {
      world.plug()
      plugged = true
      startWh = now.gridEnergyWh
    }
    const pileIsDone =
      state === 'stopping' || state === 'settling' || state === 'receipt' || state === 'departing'
    if (plugged && !unplugged && (now.gridEnergyWh - startWh >= 800 || pileIsDone)) {
      world.unplug()
      unplugged = true
    }
    if (state === 'departing' && !world.state().plugged && !left) {
      world.leave()
      left = true
    }
    if (left && state === 'idle') return
    await world.clock.sleep(1_000)
  }
}

export interface CaseResult {
  /** States the killed process went through before the kill, and after its restart. */
  killedStates: readonly string[]
  restartedStates: readonly string[]
  vehicle: Hex
  carJournal: string
  fromBlock: bigint
}

/** Polls a condition every 100 ms of real time until it holds, or rejects when `signal` aborts (the case deadline). */
async function until(condition: () => boolean, signal: AbortSignal) {
  while (!condition()) await sleep(100, undefined, { signal })
}

/** SIGTERM, as an operator would; SIGKILL if it has not exited within a few seconds (a test must never hang). */
async function stopAgent(agent: AgentProcess) {
  const timer = setTimeout(() => void agent.kill('SIGKILL'), 5_000)
  await agent.kill('SIGTERM')
  clearTimeout(timer)
}

async function caseDirectory() {
  return mkdtemp(join(tmpdir(), 'crash-case-'))
}

/**
 * Runs one visit with the pile agent as a child process: kills it with SIGKILL when it logs that it entered
 * `killAt`, restarts it on the same journal, and lets the visit finish. The car runs in this process.
 */
export async function runPileCrashCase(
  crash: CrashWorld,
  flow: Flow,
  killAt: PileState,
): Promise<CaseResult> {
  const { devnet, fleet } = crash
  const { pile, car } = crash.pair(flow)
  const directory = await caseDirectory()
  const fromBlock = await devnet.admin.getBlockNumber()
  const world = createChargingSimulation({
    speed: SPEED,
    charger: pile.charger,
    vehicleMeterError: car.meterError,
  })
  const hardware = await serveOnSocket(
    {
      arrival: world.pile.arrival,
      gun: world.pile.gun,
      link: world.pile.link,
      relay: world.pile.relay,
      bluetoothPower: world.pile.bluetoothPower,
      meter: world.pile.meter,
    },
    world.clock,
  )
  const config = join(directory, 'pile.json')
  const pileConfig = pileConfigFor(fleet.plan, pile, devnet.deployment, devnet.chain.rpcUrl)
  await writeFile(
    config,
    JSON.stringify({
      pile: { ...pileConfig, link: pileLinkTimeouts },
      key: { devPrivateKey: pile.agent.privateKey },
      journal: join(directory, 'pile.journal'),
      hardware: { driver: 'remote', socket: hardware.path },
      link: { tcp: { host: '127.0.0.1', port: 0 } },
    }),
  )
  pileConfigSchema.parse(pileConfig)

  let agent: AgentProcess = spawnAgent({ script: pileMain, args: ['--config', config] })
  const portOf = async (agent: AgentProcess) =>
    (await agent.waitForLog((line) => line.msg === 'link listening')).port as number
  let port = await portOf(agent)
  const carJournal = join(directory, 'car.journal')
  const vehicleConfig = vehicleConfigSchema.parse({
    ...vehicleConfigFor(fleet, car, devnet.deployment, devnet.chain.rpcUrl),
    link: vehicleLinkTimeouts,
    settlementPollMs: 5_000,
  })
  const journal = await openJournal(carJournal, vehicleJournal)
  const vehicle = createVehicleAgent({
    config: vehicleConfig,
    hardware: { meter: world.car.meter, lights: world.car.lights },
    link: { connect: (signal) => connectWhenPaired(world, () => port, signal) },
    chain: devnet.clientFor(privateKeySigner(car.key.privateKey)),
    journal,
    logger: createLogger({ name: 'car', level: 'silent' }),
    clock: world.clock,
  })
  const stop = new AbortController()
  const deadline = setTimeout(
    () => stop.abort(new Error(`The visit did not finish within ${CASE_DEADLINE_MS} ms.`)),
    CASE_DEADLINE_MS,
  )
  let carFailure: unknown
  const carRun = vehicle.runOnce(stop.signal).catch((error: unknown) => {
    carFailure = error
  })
  let killedStates: readonly string[] = []
  try {
    const driving = drive(world, () => agent.states.at(-1), stop.signal)
    driving.catch(() => undefined) // awaited below; this only keeps an early abort from going unhandled meanwhile
    await agent.waitForState(killAt, 30_000)
    await agent.kill('SIGKILL')
    killedStates = [...agent.states]
    await hardware.disconnected()
    agent = spawnAgent({ script: pileMain, args: ['--config', config] })
    port = await portOf(agent)
    await driving
    // The visit is over for the car once it waits for a pile again with its session behind it (a refund included);
    // a car whose session the pile abandoned keeps listening for the next pile, so runOnce may not resolve.
    await Promise.race([
      carRun,
      until(() => vehicle.status().state === 'waiting' || carFailure !== undefined, stop.signal),
    ])
    if (carFailure)
      throw new Error(`The vehicle agent failed after the pile's restart in ${killAt}.`, {
        cause: carFailure,
      })
    return { killedStates, restartedStates: agent.states, vehicle: car.key.address, carJournal, fromBlock }
  } finally {
    clearTimeout(deadline)
    stop.abort()
    await stopAgent(agent)
    await journal.close()
    await hardware.close()
    await world.close()
  }
}

/** The on-chain judgement of one visit, read from events since the case began. */
export async function escrowOutcome(crash: CrashWorld, result: CaseResult) {
  const events = await crash.devnet.admin.getChargeChainEvents({ fromBlock: result.fromBlock })
  const opened = events.flatMap((event) =>
    event.contract === 'sessionEscrow' &&
    event.eventName === 'SessionOpened' &&
    event.args.vehicle === result.vehicle
      ? [event.args]
      : [],
  )
  const ids = new Set(opened.map((session) => session.sessionId))
  const settled = events.flatMap((event) =>
    event.contract === 'sessionEscrow' &&
    event.eventName === 'SessionSettled' &&
    ids.has(event.args.sessionId)
      ? [event.args]
      : [],
  )
  const refunded = events.flatMap((event) =>
    event.contract === 'sessionEscrow' &&
    event.eventName === 'SessionRefunded' &&
    ids.has(event.args.sessionId)
      ? [event.args]
      : [],
  )
  return { opened, settled, refunded, voucher: await lastSignedVoucher(result.carJournal) }
}

/**
 * Runs one visit with the vehicle agent as a child process: kills it with SIGKILL when it logs that it entered
 * `killAt`, restarts it on the same journal, and lets the visit finish. The pile runs in this process.
 */
export async function runVehicleCrashCase(
  crash: CrashWorld,
  flow: Flow,
  killAt: VehicleState,
): Promise<CaseResult> {
  const { devnet, fleet } = crash
  const { pile, car } = crash.pair(flow)
  const directory = await caseDirectory()
  const fromBlock = await devnet.admin.getBlockNumber()
  const world = createChargingSimulation({
    speed: SPEED,
    charger: pile.charger,
    vehicleMeterError: car.meterError,
  })
  const hardware = await serveOnSocket({ meter: world.car.meter, lights: world.car.lights }, world.clock)
  const server = await tcpServer()
  const config = join(directory, 'car.json')
  const carJournal = join(directory, 'car.journal')
  await writeFile(
    config,
    JSON.stringify({
      vehicle: {
        ...vehicleConfigFor(fleet, car, devnet.deployment, devnet.chain.rpcUrl),
        link: vehicleLinkTimeouts,
        settlementPollMs: 5_000,
      },
      key: { devPrivateKey: car.key.privateKey },
      journal: carJournal,
      hardware: { driver: 'remote', socket: hardware.path },
      link: { tcp: { host: '127.0.0.1', port: server.port } },
    }),
  )
  const journal = await openJournal(join(directory, 'pile.journal'), pileJournal)
  const pileAgent = createPileAgent({
    config: pileConfigSchema.parse({
      ...pileConfigFor(fleet.plan, pile, devnet.deployment, devnet.chain.rpcUrl),
      link: pileLinkTimeouts,
    }),
    hardware: {
      arrival: world.pile.arrival,
      gun: world.pile.gun,
      relay: world.pile.relay,
      meter: world.pile.meter,
      bluetoothPower: world.pile.bluetoothPower,
      linkStatus: world.pile.link,
    },
    link: {
      accept: (signal) =>
        new Promise<LinkTransport>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true })
          server.accept().then(resolve, reject)
        }),
    },
    chain: devnet.clientFor(privateKeySigner(pile.agent.privateKey)),
    journal,
    logger: createLogger({ name: 'pile', level: 'silent' }),
    clock: world.clock,
  })
  const pileStates: string[] = []
  pileAgent.on('state', ({ state }) => pileStates.push(state))
  const stop = new AbortController()
  const deadline = setTimeout(
    () => stop.abort(new Error(`The visit did not finish within ${CASE_DEADLINE_MS} ms.`)),
    CASE_DEADLINE_MS,
  )
  const pileRun = pileAgent.run(stop.signal)
  let agent = spawnAgent({ script: vehicleMain, args: ['--config', config] })
  let killedStates: readonly string[] = []
  try {
    const driving = drive(world, () => pileStates.at(-1), stop.signal)
    driving.catch(() => undefined) // awaited below; this only keeps an early abort from going unhandled meanwhile
    await agent.waitForState(killAt, 30_000)
    await agent.kill('SIGKILL')
    killedStates = [...agent.states]
    await hardware.disconnected()
    agent = spawnAgent({ script: vehicleMain, args: ['--config', config] })
    await driving
    // The car has finished its side once it waits for the next pile again with the visit counted as completed —
    // which its journal may already have said before the kill, so the restart resumes straight in waiting.
    const restarted = agent
    for (;;) {
      await until(() => restarted.states.at(-1) === 'waiting', stop.signal)
      const last = (await carSnapshots(carJournal)).at(-1)
      if (last?.state === 'waiting' && last.data.completed > 0) break
      await sleep(100, undefined, { signal: stop.signal })
    }
    return { killedStates, restartedStates: agent.states, vehicle: car.key.address, carJournal, fromBlock }
  } finally {
    clearTimeout(deadline)
    stop.abort()
    await stopAgent(agent)
    await pileRun.catch(() => undefined)
    await journal.close()
    await server.close()
    await hardware.close()
    await world.close()
  }
}
