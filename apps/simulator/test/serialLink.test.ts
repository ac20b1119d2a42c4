// A paid visit between the real pile and vehicle agents whose link runs through serialport over a socat pty pair (the
// HC-05s' serial line in software), against anvil; then the same with the "USB adapter" pulled and put back while
// charging. Break that fails it: `openSerialLinkTransport` treating a missing port as final (the pile's accept after the
// drop throws and the replug visit fails).
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { createLogger, openJournal } from '@chargechain/agent-core'
import { privateKeySigner } from '@chargechain/chain'
import { defined } from '@chargechain/errors'
import { createSimulatedClock } from '@chargechain/hardware'
import { serialLink } from '@chargechain/hardware-linux'
import { openPtyPair, type PtyPair, socatAvailable, socatHint } from '@chargechain/hardware-linux/testing'
import type { LinkTransport } from '@chargechain/link'
import { pileConfigSchema } from '@chargechain/pile'
import { vehicleConfigSchema, vehicleJournal } from '@chargechain/vehicle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pileConfigFor, vehicleConfigFor } from '../src/agentConfigs.js'
import { type DevNet, startDevNet } from '../src/devnet.js'
import { operatorOf, planFleet } from '../src/fleet.js'
import { type ProvisionedFleet, provisionFleet } from '../src/provision.js'
import { createRandom } from '../src/random.js'
import { openStation, type SimulatedCar } from '../src/station.js'

it('needs socat for the serial link', () => {
  expect(socatAvailable, socatHint).toBe(true)
})

describe('a paid visit over a serial link (serialport on a pty pair)', () => {
  let devnet: DevNet
  let fleet: ProvisionedFleet

  beforeAll(async () => {
    devnet = await startDevNet()
    fleet = await provisionFleet(devnet, planFleet({ piles: 1, cars: 1, seed: 11 }))
  }, 120_000)
  afterAll(() => devnet?.stop())

  type LogEntry = { msg?: string; state?: string; pile?: string; car?: string; amount?: string }

  /** Runs one visit of the escrow car at the pile, with `during` called on each pile state the logs show. */
  async function visit(pty: PtyPair, during: (state: string) => void = () => {}) {
    const carLog: LogEntry[] = []
    const directory = await mkdtemp(join(tmpdir(), 'serial-visit-'))
    const clock = createSimulatedClock({ speed: 60 })
    const { plan } = fleet
    const pile = defined(plan.piles[0], 'the first pile')
    const car = defined(plan.cars[0], 'the first car')
    expect(car.kind).toBe('escrow')
    const logLines = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const entry = JSON.parse(line) as LogEntry
          if (entry.car) carLog.push(entry)
          if (entry.msg === 'state entered' && entry.pile && entry.state) during(entry.state)
        }
        done()
      },
    })
    const logger = createLogger({ name: 'serial-visit', level: 'info', destination: logLines })
    const pileSide = serialLink({ path: pty.devicePath, retryMs: 100 })
    const carSide = serialLink({ path: pty.peerPath, retryMs: 100 })
    const accepts: LinkTransport[] = []
    const station = await openStation({
      pile,
      config: pileConfigSchema.parse(pileConfigFor(plan, pile, devnet.deployment, devnet.chain.rpcUrl)),
      chain: devnet.clientFor(privateKeySigner(pile.agent.privateKey)),
      channelLedger: undefined,
      link: {
        accept: async (signal) => {
          const transport = await pileSide.accept(signal)
          accepts.push(transport)
          return transport
        },
        connect: (signal) => carSide.connect(signal),
        close: async () => {},
      },
      clock,
      directory,
      logger,
      random: createRandom(5),
      scenario: { energyWh: [1_500, 1_500], hurried: true },
    })
    const simulatedCar: SimulatedCar = {
      plan: car,
      config: vehicleConfigSchema.parse(vehicleConfigFor(fleet, car, devnet.deployment, devnet.chain.rpcUrl)),
      chain: devnet.clientFor(privateKeySigner(car.key.privateKey)),
      journal: await openJournal(join(directory, 'car.journal'), vehicleJournal),
    }
    const operator = operatorOf(plan, pile.operator)
    const before = await devnet.admin.balanceOf({
      account: operator.payout.address,
      currency: fleet.currencyAddress[operator.currency],
    })
    try {
      const result = await station.visit(simulatedCar, new AbortController().signal)
      const after = await devnet.admin.balanceOf({
        account: operator.payout.address,
        currency: fleet.currencyAddress[operator.currency],
      })
      return { result, paid: after - before, accepts, carLog }
    } finally {
      await station.close()
      await simulatedCar.journal.close()
    }
  }

  it('charges, pays by escrow and settles on chain, every byte through serialport', async () => {
    const pty = await openPtyPair()
    try {
      const { result, paid, accepts } = await visit(pty)
      expect(result.outcome).toBe('finished')
      if (result.outcome !== 'finished') return
      expect(result.session.kind).toBe('escrow')
      expect(result.session.energyWh).toBeGreaterThanOrEqual(1_500)
      expect(result.session.amount).toBeGreaterThan(0n)
      expect(paid).toBe(result.session.amount)
      expect(accepts.map((transport) => transport.type)).toEqual(['serial'])
    } finally {
      await pty.close()
    }
  }, 120_000)

  it('reopens the port after the serial adapter is pulled while charging, and the same session settles', async () => {
    const pty = await openPtyPair()
    let pulled: Promise<void> | undefined
    let charging = 0
    try {
      const { result, paid, accepts, carLog } = await visit(pty, (state) => {
        // A few meter intervals into the charge.
        if (state !== 'charging' || ++charging < 4 || pulled) return
        pulled = (async () => {
          await pty.unplug()
          await new Promise((resolve) => setTimeout(resolve, 300))
          await pty.plug()
        })()
      })
      await pulled
      expect(result.outcome).toBe('finished')
      if (result.outcome !== 'finished') return
      // The pile stops the current when its link drops (it cannot take vouchers); the car comes back over the
      // reopened port, signs its last voucher for that session, and the pile settles it.
      expect(result.session.kind).toBe('escrow')
      expect(result.session.energyWh).toBeGreaterThan(0)
      expect(paid).toBe(result.session.amount)
      expect(accepts.length).toBe(2)
      expect(carLog.some((entry) => entry.msg === 'reconnected to the pile')).toBe(true)
      const carFinished = carLog.find((entry) => entry.msg === 'session finished')
      expect(carFinished?.amount).toBe(result.session.amount.toString())
    } finally {
      await pty.close()
    }
  }, 120_000)
})
