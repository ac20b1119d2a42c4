// One anvil with ChargeChain deployed, a registered pile, and the cars of every kind, shared by the flow tests.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openJournal } from '@chargechain/agent-core'
import {
  type ChargeChainClient,
  createChargeChainClient,
  defineTerms,
  deployChargeChain,
  privateKeySigner,
  type Signer,
} from '@chargechain/chain'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { defined } from '@chargechain/errors'
import { type ChargingSimulation, chargers, createChargingSimulation } from '@chargechain/hardware'
import { createSession } from '@chargechain/link'
import {
  createVehicleAgent,
  type VehicleAgent,
  type VehicleAgentHardware,
  type VehicleConfigInput,
  type VehicleSessionFinished,
  vehicleConfigSchema,
  vehicleJournal,
} from '@chargechain/vehicle'
import { pino } from 'pino'
import { createWalletClient, defineChain, type Hex, http } from 'viem'
import {
  type ChannelLedger,
  type CreatePileAgentOptions,
  chainChannelSettler,
  createMemoryChannelLedger,
  createPileAgent,
  type PileAgent,
  type PileConfigInput,
  pileConfigSchema,
  pileJournal,
  type SessionFinished,
} from '../src/index.js'
import { createLinkBroker, type LinkBrokerOptions } from '../src/testing.js'

export const PRICE_PER_KWH = 300_000_000_000_000n // 0.0003 ETH
export const CHANNEL_DEPOSIT = 10n ** 17n
/** A pile payment that reads the meter once a simulated minute (a real second at 60×), with the credit to match. */
export const MINUTE_READINGS = {
  minDeposit: '1000000000000000',
  creditWh: 1_000,
  meterIntervalMs: 60_000,
  confirmations: 1,
} satisfies PileConfigInput['payment']

export type Chain = Awaited<ReturnType<typeof startChain>>

export async function startChain() {
  const anvil: DevChain = await startAnvil({ accounts: 10 })
  const signers: Signer[] = anvil.privateKeys.map((key) => privateKeySigner(key))
  const signer = (index: number) => defined(signers[index], `signer ${index}`)
  const viemChain = defineChain({
    id: anvil.chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [anvil.rpcUrl] } },
  })
  const deployment = await deployChargeChain(
    createWalletClient({ account: signer(0).account, chain: viemChain, transport: http(anvil.rpcUrl) }),
    { arbiter: signer(0).address, settleWindow: 3_600, disputeWindow: 7_200, challengePeriod: 86_400 },
  )
  const client = (index: number): ChargeChainClient =>
    createChargeChainClient({ deployment, rpcUrl: anvil.rpcUrl, signer: signer(index), pollingInterval: 50 })
  const owner = client(1)
  const pileAgentClient = client(2)
  // The registry's credit is generous: each test's own `payment.creditWh` decides when the relay is cut.
  const terms = defineTerms({
    payout: signer(1).address,
    agent: signer(2).address,
    pricePerKWh: PRICE_PER_KWH,
    creditWh: 10_000,
  })
  const { pileId } = await owner.registerPile({ dmid: 'CC-TEST-PILE-1', terms })
  await owner.setFreeVehicles({ pileId, add: [signer(3).address] })
  const channelCar = client(5)
  const { channelId } = await channelCar.openChannel({
    operator: signer(1).address,
    deposit: CHANNEL_DEPOSIT,
  })
  return {
    anvil,
    deployment,
    pileId,
    terms,
    owner,
    pileAgentClient,
    /** The owner's own key as a car, a car on the free list, an escrow payer, a channel payer, a spare payer. */
    cars: { owner: owner, listed: client(3), escrow: client(4), channel: channelCar, stranger: client(6) },
    channelId,
    payout: signer(1).address,
    client,
    stop: () => anvil.stop(),
  }
}

export interface RunOptions {
  car: ChargeChainClient
  /** Energy after which the driver unplugs (pile meter, Wh). */
  unplugAtWh?: number
  bytesPerSecond?: number
  vehicle?: Partial<VehicleConfigInput>
  pile?: Partial<PileConfigInput>
  ledger?: ChannelLedger
  /** The pile agent's chain client; a test hands it a hostile one. */
  pileChain?: ChargeChainClient
  vehicleMeterError?: number
  /** The car's battery in the simulated world. */
  battery?: { capacityWh?: number; startSoc?: number; taperFromSoc?: number }
  /** Called with the pile agent before it runs, to follow it from the start (a reporter, command handlers). */
  attach?: (pile: PileAgent) => void
  /** Called once the pile started charging, to disturb the session. */
  during?: (harness: Harness) => Promise<void> | void
  /** Wraps each end of each link connection (see createLinkBroker). */
  wrapLink?: LinkBrokerOptions['wrap']
  /** Agent-clock time between the car's arrival and its agent starting (a driver slow to start the car). */
  carStartsAfterMs?: number
  /**
   * Real time each read of the car's own meter takes, as a remote meter's on a loaded machine: the reading is what
   * the meter shows when it answers.
   */
  carMeterLagMs?: number
}

export interface Harness {
  world: ChargingSimulation
  pile: PileAgent
  vehicle: VehicleAgent
  controller: AbortController
  vehicleController: AbortController
  pileFinished: Promise<SessionFinished>
  vehicleFinished: Promise<VehicleSessionFinished>
  journals: { pile: string; vehicle: string }
}

export const silent = pino({ level: process.env.AGENT_TEST_LOG ?? 'silent' })

export function pileConfig(chain: Chain, overrides: Partial<PileConfigInput> = {}) {
  return pileConfigSchema.parse({
    pileId: chain.pileId,
    chain: { chainId: chain.anvil.chainId, deployment: chain.deployment },
    // The simulated clock runs 20–60× real time, so a real-time hiccup of the loaded test machine delivers tens of Wh
    // at once: the credit covers about a second of it, which a real clock would spread over a minute.
    payment: { minDeposit: '1000000000000000', creditWh: 120, meterIntervalMs: 5_000, confirmations: 1 },
    link: { voucherWaitMs: 1_000, answerTimeoutMs: 60_000, reconnectTimeoutMs: 60_000 },
    channelSettle: { everySessions: 1, minAmount: '1' },
    ...overrides,
  })
}

/**
 * A pile agent on `chain` in `world` (its hardware, meter and clock) with the tests' defaults: the test pile's
 * config, the pile's chain client, no log, and a fresh ledger of the operator's channels unless one is given.
 */
export function testPileAgent(
  chain: Chain,
  parts: Pick<CreatePileAgentOptions, 'link' | 'journal'> &
    Partial<Pick<CreatePileAgentOptions, 'chain' | 'channelLedger'>> & {
      world: ChargingSimulation
      config?: Partial<PileConfigInput>
    },
): PileAgent {
  const { world } = parts
  return createPileAgent({
    config: pileConfig(chain, parts.config),
    hardware: { ...world.pile, linkStatus: world.pile.link },
    link: parts.link,
    chain: parts.chain ?? chain.pileAgentClient,
    journal: parts.journal,
    logger: silent,
    clock: world.clock,
    channelLedger: parts.channelLedger ?? channelLedgerFor(chain),
  })
}

export function vehicleConfig(chain: Chain, overrides: Partial<VehicleConfigInput> = {}) {
  return vehicleConfigSchema.parse({
    chain: { chainId: chain.anvil.chainId, deployment: chain.deployment },
    payment: {
      maxPricePerKWh: String(PRICE_PER_KWH * 2n),
      deposit: '2000000000000000',
      channels: [{ channelId: chain.channelId, operator: chain.payout }],
    },
    link: { silenceTimeoutMs: 600_000, answerTimeoutMs: 600_000 },
    // The car starts its own count of seconds when it takes ChargingStarted; at 60×, the default 10 s of slack is
    // 170 ms of real time, which a loaded test machine can take before the car gets to the message (seen: 32–53 s).
    tolerance: { seconds: 120 },
    ...overrides,
  })
}

export function channelLedgerFor(chain: Chain): ChannelLedger {
  return createMemoryChannelLedger({
    policy: { everySessions: 1, minAmount: 1n },
    settle: chainChannelSettler(chain.owner),
  })
}

export async function tempJournal(name: string): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'cc-agents-')), `${name}.journal`)
}

const once = <T>(subscribe: (listener: (value: T) => void) => () => void) =>
  new Promise<T>((resolve) => {
    const off = subscribe((value) => {
      off()
      resolve(value)
    })
  })

/** Runs one session end to end: car arrives and plugs in, charges to `unplugAtWh`, unplugs and leaves. */
export async function runSession(
  chain: Chain,
  options: RunOptions,
): Promise<Harness & { done: Promise<void> }> {
  const speed = options.bytesPerSecond ? 20 : 60
  const world = createChargingSimulation({
    speed,
    charger: chargers.ac7kW,
    vehicleMeterError: options.vehicleMeterError ?? 0,
    ...(options.battery ? { battery: options.battery } : {}),
  })
  const broker = createLinkBroker({
    ...(options.bytesPerSecond ? { bytesPerSecond: options.bytesPerSecond } : {}),
    ...(options.wrapLink ? { wrap: options.wrapLink } : {}),
  })
  const journals = { pile: await tempJournal('pile'), vehicle: await tempJournal('vehicle') }
  // Closed when the run is done, as a stopped agent's process would close them.
  const open = {
    pile: await openJournal(journals.pile, pileJournal),
    vehicle: await openJournal(journals.vehicle, vehicleJournal),
  }
  const pile = testPileAgent(chain, {
    world,
    link: broker.pile,
    journal: open.pile,
    ...(options.pile ? { config: options.pile } : {}),
    ...(options.pileChain ? { chain: options.pileChain } : {}),
    ...(options.ledger ? { channelLedger: options.ledger } : {}),
  })
  const vehicle = createVehicleAgent({
    config: vehicleConfig(chain, options.vehicle),
    hardware: options.carMeterLagMs ? lagging(world.car, options.carMeterLagMs) : world.car,
    link: broker.car,
    chain: options.car,
    journal: open.vehicle,
    logger: silent,
    clock: world.clock,
  })
  options.attach?.(pile)
  const controller = new AbortController()
  const vehicleController = new AbortController()
  const pileFinished = once<SessionFinished>((listener) => pile.on('sessionFinished', listener))
  const vehicleFinished = once<VehicleSessionFinished>((listener) => vehicle.on('sessionFinished', listener))
  const started = once<unknown>((listener) => pile.on('sessionStarted', listener))
  const pileRun = pile.run(controller.signal)
  const vehicleRun = (async () => {
    if (options.carStartsAfterMs) await world.clock.sleep(options.carStartsAfterMs, vehicleController.signal)
    await vehicle.runOnce(vehicleController.signal)
  })()
  const harness: Harness = {
    world,
    pile,
    vehicle,
    controller,
    vehicleController,
    pileFinished,
    vehicleFinished,
    journals,
  }
  world.arrive()
  world.plug()
  const unplugAtWh = options.unplugAtWh ?? 60
  const unplugged = new Promise<void>((resolve) => {
    const off = pile.on('meter', ({ energyWh }) => {
      if (energyWh < unplugAtWh) return
      off()
      resolve()
    })
  })
  const done = (async () => {
    await started
    await options.during?.(harness)
    await Promise.race([unplugged, pileFinished])
    if (world.state().plugged) world.unplug()
    await pileFinished
    world.leave()
    await vehicleRun
    await waitFor(() => pile.status().state === 'idle')
    controller.abort()
    await pileRun
    await Promise.all([open.pile.close(), open.vehicle.close()])
    await world.close()
  })()
  return { ...harness, done }
}

function lagging(car: VehicleAgentHardware, lagMs: number): VehicleAgentHardware {
  const { meter } = car
  return {
    ...car,
    meter: {
      read: () => new Promise((resolve) => setTimeout(resolve, lagMs)).then(() => meter.read()),
      close: () => meter.close(),
    },
  }
}

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export type { Hex }

/** A pile agent with a world and a broker; the test plays the car by hand over the link (`connect`). */
export async function startPileAlone(chain: Chain, overrides: Partial<PileConfigInput> = {}) {
  const world = createChargingSimulation({ speed: 60, charger: chargers.ac7kW })
  const broker = createLinkBroker()
  const journal = await openJournal(await tempJournal('pile'), pileJournal)
  const pile = testPileAgent(chain, { world, link: broker.pile, journal, config: overrides })
  const controller = new AbortController()
  const run = pile.run(controller.signal)
  const abandoned: string[] = []
  pile.on('sessionAbandoned', ({ reason }) => abandoned.push(reason))
  const connect = async () =>
    createSession({ transport: await broker.car.connect(new AbortController().signal) })
  const stop = async () => {
    controller.abort()
    await run
    await journal.close()
    await world.close()
  }
  return { world, pile, connect, stop, abandoned }
}

/** The car's escrow sessions at the test pile, oldest first. */
export function sessionsOf(chain: Chain, car: ChargeChainClient) {
  return chain.owner.findSessions({
    vehicle: defined(car.account, 'the car client account').address,
    pileId: chain.pileId,
  })
}

/** The chain's record of the car's latest escrow session at the test pile. */
export async function lastSessionState(chain: Chain, car: ChargeChainClient) {
  const last = defined((await sessionsOf(chain, car)).at(-1), "the car's escrow session")
  const { state } = await chain.owner.getSession({ sessionId: last.sessionId })
  return state
}

export const NATIVE = '0x0000000000000000000000000000000000000000' as const

/** What the escrow credits an account (withdrawable balance, native currency). */
export function credited(chain: Chain, account: `0x${string}`) {
  return chain.owner.balanceOf({ account, currency: NATIVE })
}
