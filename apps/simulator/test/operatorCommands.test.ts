// The operator's commands to a simulated pile through the server's API, as on the dashboard (what `npm start` runs),
// on one pile and one car over two visits (real management server, anvil, the simulator's fleet):
// - visit 1 charging: ChangeAvailability Inoperative is Scheduled; a remote stop ends the visit as stopped by the
//   operator, settling what was delivered; the pile, now idle, shows Unavailable (the server's `offline` while the
//   charger is connected) and takes no car; a Reset then reboots its connection at once; Operative (answered with
//   no agent at the pile) brings the car back;
// - visit 2 charging: Reset is Accepted; the charge ends as an operator stop, settled on chain, and the pile's OCPP
//   connection boots a third time.
// Breaks tried (seen failing, restored): reporting.ts without `Object.assign(handlers, …)` (the pile answers the
// RemoteStopTransaction Rejected, and the charge runs on: visit 1 has not ended after 2 minutes); the line
// `while (agent.status().available !== available) …` dropped (visit 2's agent, restored from the pile's journal,
// stays Inoperative: charging never resumes); `if (visit) return … visit.commands.availability …` dropped (the
// visit's agent never hears of it: the idle pile never shows Unavailable); `restart: reboot` → `restart: () => {}`
// (the charge still ends settled, but it boots no more); `reboot(type)` dropped from the Reset with no visit (the idle
// pile does not boot again); fleetRunner without `await station.untilAvailable(signal)` (the server sees the same,
// for the visit's agent, Inoperative, holds the car; but the car came: the agent logs it); pile-ocpp reportPile.ts
// `session: { sessionId, … }` → `sessionId: id` (each escrow's OCPP transaction becomes a second order, filed under
// the pile's own id and left charging: the pile's orders are never all settled).
import { createLogger } from '@chargechain/agent-core'
import { chargers, connectors, orders } from '@chargechain/db'
import type { SessionFinished } from '@chargechain/pile'
import type { ServerLogger } from '@chargechain/server'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevNet, startDevNet } from '../src/devnet.js'
import { planFleet } from '../src/fleet.js'
import { runFleet } from '../src/fleetRunner.js'
import { type Management, startManagement } from '../src/management.js'
import { createProgress } from '../src/progress.js'
import { provisionFleet } from '../src/provision.js'
import { connectPileReporter } from '../src/reporting.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Real seconds the Inoperative pile is watched for a new order: a free pile takes the car within one. */
const outOfServiceMs = 4_000

describe("the operator's commands to a simulated pile", () => {
  let devnet: DevNet
  let management: Management
  const sessions: SessionFinished[] = []
  /** The chargers the server logged a BootNotification of, in order. */
  const boots: string[] = []
  const logger: ServerLogger = {
    debug() {},
    info(fields, message) {
      if (message === 'boot' && 'chargerId' in fields) boots.push(String(fields.chargerId))
    },
    warn() {},
    error() {},
  }
  /** Cars that came to the pile while it was out of service, as its agents log them. */
  let heldCars = 0
  const agentLogger = createLogger({
    name: 'simulator',
    level: 'info',
    destination: {
      write(line: string) {
        if (line.includes('car arrived while the pile is unavailable')) heldCars++
      },
    },
  })
  const answers: Record<string, { status: number; body: unknown }> = {}
  let firstOrder: number | undefined
  let secondOrder: number | undefined
  let escrowOrders:
    | { state: string; amountDue: bigint | null; fromChain: boolean; stopped: boolean }[]
    | undefined
  let outOfService:
    | {
        connector: { status: string; orderId: number | null } | undefined
        charger: { disconnectedAt: Date | null } | undefined
        ordersBefore: number[]
        ordersAfter: number[]
      }
    | undefined

  beforeAll(async () => {
    devnet = await startDevNet()
    const plan = planFleet({ piles: 1, cars: 1, seed: 3 })
    const fleet = await provisionFleet(devnet, plan)
    management = await startManagement({ devnet, plan, port: 0, seed: 3, logger })
    const { db } = management.database
    const abort = new AbortController()
    // Long charges (30–40 kWh, minutes at 60×): each command comes while one runs.
    const running = runFleet({
      devnet,
      fleet,
      speed: 60,
      link: 'memory',
      seed: 3,
      progress: createProgress(),
      signal: abort.signal,
      visitsPerPile: 2,
      logger: agentLogger,
      scenario: { energyWh: [30_000, 40_000], hurried: true },
      reporterFor: async (pile, logger) => {
        const credentials = management.chargers.get(pile.dmid)
        if (!credentials) throw new Error(`no OCPP credentials for ${pile.dmid}`)
        return connectPileReporter(pile, credentials, logger)
      },
      onSession: (session) => sessions.push(session),
    })
    const password = management.admin?.password
    if (!password) throw new Error('the simulator made no first admin')
    const login = await fetch(`${management.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    })
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? ''
    const command = async (name: string, pileId: number, body: object) => {
      const response = await fetch(`${management.url}/api/piles/${pileId}/commands/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      })
      return { status: response.status, body: await response.json() }
    }
    const until = async <T>(what: string, found: () => Promise<T | undefined>, withinMs = 120_000) => {
      for (let waited = 0; waited < withinMs; waited += 200) {
        const value = await found()
        if (value !== undefined) return value
        await sleep(200)
      }
      throw new Error(`${what}: not within ${withinMs / 1000} s`)
    }
    /** The order charging on the pile, other than `besides`. */
    const charging = (besides?: number) =>
      until('an order charging', async () => {
        const rows = await db
          .select({ id: orders.id, pileId: orders.pileId })
          .from(orders)
          .where(eq(orders.state, 'charging'))
        return rows.find((row) => row.id !== besides)
      })
    const pileOrders = async (pileId: number) =>
      (
        await db.select({ id: orders.id }).from(orders).where(eq(orders.pileId, pileId)).orderBy(orders.id)
      ).map((row) => row.id)

    const first = await charging()
    firstOrder = first.id
    answers.inoperative = await command('availability', first.pileId, { connector: 0, type: 'Inoperative' })
    answers.stop = await command('stop', first.pileId, { orderId: first.id })
    // Visit 1 over, the pile idle and out of service.
    await until('visit 1 finished', async () => sessions[0])
    const unavailable = () =>
      db
        .select({ status: connectors.status, orderId: connectors.orderId })
        .from(connectors)
        .where(eq(connectors.pileId, first.pileId))
        .then(([row]) => row)
    await until(
      'the connector out of service',
      async () => ((await unavailable())?.status === 'offline' ? true : undefined),
      30_000,
    )
    const ordersBefore = await pileOrders(first.pileId)
    await sleep(outOfServiceMs)
    outOfService = {
      connector: await unavailable(),
      charger: (
        await db
          .select({ disconnectedAt: chargers.disconnectedAt })
          .from(chargers)
          .where(eq(chargers.pileId, first.pileId))
      )[0],
      ordersBefore,
      ordersAfter: await pileOrders(first.pileId),
    }
    // A Reset with nobody at the pile: the connection reboots at once; the pile stays out of service.
    answers.idleReset = await command('reset', first.pileId, { type: 'Hard' })
    await until('the idle pile booted again', async () => (boots.length === 2 ? true : undefined), 30_000)
    answers.operative = await command('availability', first.pileId, { connector: 0, type: 'Operative' })

    const second = await charging(first.id)
    secondOrder = second.id
    answers.reset = await command('reset', second.pileId, { type: 'Soft' })
    await running
    // Both escrows settled, as the indexer reads them from the chain: the pile's only orders.
    escrowOrders = await until(
      'both escrows settled',
      async () => {
        const rows = await db
          .select({
            state: orders.state,
            amountDue: orders.amountDue,
            fromChain: sql<boolean>`${orders.chainBlock} is not null`,
            stopped: sql<boolean>`${orders.meterStopWh} is not null`,
          })
          .from(orders)
          .where(eq(orders.pileId, first.pileId))
          .orderBy(orders.openedAt)
        return rows.length >= 2 && rows.every((row) => row.state === 'settled' && row.stopped)
          ? rows
          : undefined
      },
      30_000,
    )
  }, 300_000)
  afterAll(async () => {
    await management?.close()
    await devnet?.stop()
  })

  it('a remote stop is accepted, and the visit ends stopped by the operator with less than the car asked for, paid for', () => {
    expect(answers.stop?.status).toBe(200)
    const [session] = sessions
    expect(session?.stopReason).toBe('operatorStopped')
    expect(session?.energyWh).toBeGreaterThan(0)
    expect(session?.energyWh).toBeLessThan(30_000)
    if (session?.kind !== 'free') expect(session?.amount).toBeGreaterThan(0n)
  })

  it('Inoperative while charging is Scheduled; the idle pile then shows Unavailable and takes no car until Operative', () => {
    expect(answers.inoperative).toEqual({ status: 200, body: { result: { status: 'Scheduled' } } })
    // The server shows Unavailable as `offline`; the charger is connected all along.
    expect(outOfService?.connector).toEqual({ status: 'offline', orderId: null })
    expect(outOfService?.charger).toEqual({ disconnectedAt: null })
    expect(outOfService?.ordersBefore).toContain(firstOrder)
    expect(outOfService?.ordersAfter).toEqual(outOfService?.ordersBefore)
    // No car came to it meanwhile: the cars charge elsewhere, as when a pile is busy.
    expect(heldCars).toBe(0)
    expect(answers.operative).toEqual({ status: 200, body: { result: { status: 'Accepted' } } })
    // Charging resumed: the beforeAll found the second order charging.
    expect(secondOrder).toBeGreaterThan(firstOrder ?? Number.POSITIVE_INFINITY)
  })

  it('Reset is Accepted: an idle pile boots again at once, a charging one once its charge ended as an operator stop, settled', () => {
    expect(answers.idleReset).toEqual({ status: 200, body: { result: { status: 'Accepted' } } })
    expect(answers.reset).toEqual({ status: 200, body: { result: { status: 'Accepted' } } })
    expect(sessions).toHaveLength(2)
    const session = sessions[1]
    expect(session?.stopReason).toBe('operatorStopped')
    expect(session?.energyWh).toBeGreaterThan(0)
    expect(session?.energyWh).toBeLessThan(30_000)
    // One order per escrow: the chain's, which the pile's OCPP transaction joined (its stop register on it).
    expect(escrowOrders).toEqual([
      { state: 'settled', amountDue: sessions[0]?.amount, fromChain: true, stopped: true },
      { state: 'settled', amountDue: session?.amount, fromChain: true, stopped: true },
    ])
    expect(boots).toEqual(['CC-0001', 'CC-0001', 'CC-0001'])
  })
})
