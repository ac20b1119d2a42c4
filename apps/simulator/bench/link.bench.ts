// `npm run bench -- link`: the pile⇄car conversation over a link throttled to 960 B/s (the HC-05's 9600 baud), with
// the real agents: bytes and wall time of an owner's authentication and of a paid handshake (Hello → … →
// PaymentAccepted), the chain's share of the latter timed apart, next to the time the bytes alone need on the line.

import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, openJournal } from '@chargechain/agent-core'
import { createChargeChainClient, privateKeySigner } from '@chargechain/chain'
import { defined } from '@chargechain/errors'
import { createChargingSimulation } from '@chargechain/hardware'
import { countBytes, type LinkTransport, memoryPair, throttled } from '@chargechain/link'
import { createPileAgent, type PileState, pileConfigSchema, pileJournal } from '@chargechain/pile'
import { createVehicleAgent, vehicleConfigSchema, vehicleJournal } from '@chargechain/vehicle'
import { custom, http } from 'viem'
import { pileConfigFor, vehicleConfigFor } from '../src/agentConfigs.js'
import { type DevNet, startDevNet } from '../src/devnet.js'
import { type CarKind, mayChargeAt, planFleet } from '../src/fleet.js'
import { HC05_BYTES_PER_SECOND } from '../src/links.js'
import { type ProvisionedFleet, provisionFleet } from '../src/provision.js'

/** Wall time during which at least one chain request was in flight: the chain's share of an exchange. */
function chainTimer(rpcUrl: string) {
  const base = http(rpcUrl)({})
  let inFlight = 0
  let busySince = 0
  let busyMs = 0
  const transport = custom({
    async request(args) {
      if (inFlight++ === 0) busySince = performance.now()
      try {
        return await base.request(args)
      } finally {
        if (--inFlight === 0) busyMs += performance.now() - busySince
      }
    },
  })
  return { transport, elapsed: () => busyMs + (inFlight > 0 ? performance.now() - busySince : 0) }
}

interface Measurement {
  bytes: number
  wallMs: number
  chainMs: number
}

/** One visit up to the pile's `starting` state: from the pile's first byte (Hello) to the gun prompt. */
async function measureHandshake(
  devnet: DevNet,
  fleet: ProvisionedFleet,
  kind: CarKind,
): Promise<Measurement> {
  const { plan } = fleet
  const car = defined(
    plan.cars.find((candidate) => candidate.kind === kind),
    `a ${kind} car in the plan`,
  )
  const pile = defined(
    plan.piles.find((candidate) => mayChargeAt(plan, car, candidate)),
    `a pile ${car.name} may charge at`,
  )
  const directory = await mkdtemp(join(tmpdir(), 'link-bench-'))
  const world = createChargingSimulation({ speed: 1, charger: pile.charger })
  const [pileEnd, carEnd] = memoryPair()
  const pileLink = throttled(pileEnd, { bytesPerSecond: HC05_BYTES_PER_SECOND })
  const carLink = throttled(carEnd, { bytesPerSecond: HC05_BYTES_PER_SECOND })
  // Counted from the start: nothing crosses the link before the pile's Hello.
  const bytes = countBytes(pileLink)
  // The exchange starts with the first byte the pile writes (its Hello), not with the state change before it.
  let firstWrite: number | undefined
  const timedPileLink: LinkTransport = Object.assign(Object.create(pileLink) as LinkTransport, {
    write(chunk: Uint8Array) {
      firstWrite ??= performance.now()
      pileLink.write(chunk)
    },
  })
  const pileChain = chainTimer(devnet.chain.rpcUrl)
  const carChain = chainTimer(devnet.chain.rpcUrl)
  const client = (key: `0x${string}`, transport: ReturnType<typeof custom>) =>
    createChargeChainClient({
      deployment: devnet.deployment,
      transport,
      signer: privateKeySigner(key),
      pollingInterval: 50,
    })
  const logger = createLogger({ name: 'link-bench', level: 'silent' })
  const pileAgent = createPileAgent({
    config: pileConfigSchema.parse(pileConfigFor(plan, pile, devnet.deployment, devnet.chain.rpcUrl)),
    hardware: { ...world.pile, linkStatus: world.pile.link },
    link: { accept: async (): Promise<LinkTransport> => timedPileLink },
    chain: client(pile.agent.privateKey, pileChain.transport),
    journal: await openJournal(join(directory, 'pile.journal'), pileJournal),
    logger,
    clock: world.clock,
  })
  const vehicleAgent = createVehicleAgent({
    config: vehicleConfigSchema.parse(vehicleConfigFor(fleet, car, devnet.deployment, devnet.chain.rpcUrl)),
    hardware: world.car,
    link: { connect: async (): Promise<LinkTransport> => carLink },
    chain: client(car.key.privateKey, carChain.transport),
    journal: await openJournal(join(directory, 'car.journal'), vehicleJournal),
    logger,
    clock: world.clock,
  })
  const reached = (wanted: PileState) =>
    new Promise<void>((resolve) => {
      const off = pileAgent.on('state', ({ state }) => {
        if (state === wanted) {
          off()
          resolve()
        }
      })
    })
  const stop = new AbortController()
  const runs = [pileAgent.run(stop.signal), vehicleAgent.runOnce(stop.signal)].map((run) =>
    run.catch(() => {}),
  )
  const connecting = reached('connecting')
  const starting = reached('starting')
  world.arrive()
  await connecting
  while (!world.pile.bluetoothPower.physical()) await world.clock.sleep(50)
  world.connectLink()
  const chainAtStart = pileChain.elapsed() + carChain.elapsed()
  await starting
  const measurement = {
    bytes: bytes.total,
    wallMs: performance.now() - (firstWrite ?? Number.NaN),
    chainMs: pileChain.elapsed() + carChain.elapsed() - chainAtStart,
  }
  stop.abort()
  await Promise.all(runs)
  await world.close()
  return measurement
}

const devnet = await startDevNet()
try {
  const fleet = await provisionFleet(devnet, planFleet({ piles: 3, cars: 5, seed: 5 }))
  const owner = await measureHandshake(devnet, fleet, 'owner')
  const paid = await measureHandshake(devnet, fleet, 'escrow')
  const lineMs = (count: number) => (count / HC05_BYTES_PER_SECOND) * 1_000
  const table: Array<[string, Measurement]> = [
    ['owner authentication', owner],
    ['paid handshake (escrow)', paid],
  ]
  process.stdout.write(
    `Link throttled to ${HC05_BYTES_PER_SECOND} B/s (9600 baud 8N1), real pile and vehicle agents, dev chain.\n\n`,
  )
  process.stdout.write(
    `${'exchange'.padEnd(26)}${'bytes'.padStart(7)}${'line time'.padStart(12)}${'wall'.padStart(10)}${'chain'.padStart(10)}${'wall ÷ line'.padStart(13)}\n`,
  )
  for (const [name, m] of table) {
    process.stdout.write(
      `${name.padEnd(26)}${String(m.bytes).padStart(7)}${`${lineMs(m.bytes).toFixed(0)} ms`.padStart(12)}${`${m.wallMs.toFixed(0)} ms`.padStart(10)}${`${m.chainMs.toFixed(0)} ms`.padStart(10)}${(m.wallMs / lineMs(m.bytes)).toFixed(2).padStart(13)}\n`,
    )
  }
  const ownerAuthRatio = owner.wallMs / lineMs(owner.bytes)
  process.stdout.write(
    `\nTargets: owner authentication ≤ 200 B (${owner.bytes <= 200 ? 'met' : 'MISSED'}), ≤ 1.5 × line time (${ownerAuthRatio <= 1.5 ? 'met' : 'MISSED'}).\n`,
  )
  process.stdout.write(
    `${JSON.stringify({
      ownerAuthBytes: owner.bytes,
      ownerAuthMs: Math.round(owner.wallMs),
      ownerAuthLineMs: Math.round(lineMs(owner.bytes)),
      ownerAuthRatio: Number(ownerAuthRatio.toFixed(3)),
      ownerAuthChainMs: Math.round(owner.chainMs),
      paidHandshakeBytes: paid.bytes,
      paidHandshakeMs: Math.round(paid.wallMs),
      paidHandshakeLineMs: Math.round(lineMs(paid.bytes)),
      paidHandshakeChainMs: Math.round(paid.chainMs),
    })}\n`,
  )
} finally {
  await devnet.stop()
}
