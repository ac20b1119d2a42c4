// Must show — a crashed server instance does not leave its chargers connected: a real `chargechain-server start`
// process (refreshing its ocpp_instances row every 1 s, lapse 3 s) holds a bare-`ws` charger with two available
// connectors and is killed with SIGKILL, so it records nothing. On PostgreSQL (TEST_DATABASE_URL) a second instance
// on the same database survives: its API shows the charger disconnected within the lapse of the kill, then its
// connectors offline; its live stream carries the events a close would (the charger, then each connector, at the
// time written as the close), and the dead instance's row is gone while its own stays. On PGlite, where one process
// holds the data folder, the instance restarts on it and shows the same; its clean stop then removes its own row.
// Breaks tried: the refresh tick not calling `reap()` (PostgreSQL fails: the connectors stay available; PGlite
// passes, its restart taking longer than the lapse, so the start reaps); closeInstanceConnections not taking the
// connectors offline (both fail). listChargers' `connected` without `instanceAlive` passes here — the survivor's reap
// follows within a refresh and writes disconnectedAt — and fails packages/db/src/queries/instances.test.ts.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addCharger, chargers, type Database, ocppInstances, openDatabase } from '@chargechain/db'
import {
  createScratchDatabase,
  insertPile,
  type ScratchDatabase,
  testDatabaseUrl,
} from '@chargechain/db/testing'
import { hashChargerPassword } from '@chargechain/ocpp'
import { openRawCharger, type RawCharger } from '@chargechain/ocpp/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StartedServer, startCli } from './testing/cli.js'
import { addAccount, client, signIn, type TestClient } from './testing/harness.js'
import { openLive } from './testing/sse.js'

const adminPassword = 'admin-password-1'
const chargerPassword = 'crash-charger-pw'
const refreshMs = 1_000
const lapseMs = 3_000
/** What a poll and an HTTP round trip may add to a deadline on a busy two-core machine. */
const slackMs = 1_500

const flags = (data: string) => [
  '--port',
  '0',
  '--data',
  data,
  '--instance-refresh',
  String(refreshMs / 1000),
  '--instance-lapse',
  String(lapseMs / 1000),
]

/** An admin, and a pile with two connectors whose charger is CP-CRASH; returns the pile's id. */
async function seed(database: Database): Promise<number> {
  await addAccount(database, 'admin', adminPassword, 'admin')
  const pile = await insertPile(database.db, { dmid: 'DM-CRASH', guns: 2 })
  await addCharger(
    database.db,
    { id: 'CP-CRASH', pileId: pile.id, passwordHash: await hashChargerPassword(chargerPassword) },
    { accountId: null, name: 'test' },
  )
  return pile.id
}

/** The charger connects to `server`, boots and reports both connectors available. */
async function connectCharger(server: StartedServer): Promise<RawCharger> {
  const charger = await openRawCharger({
    endpoint: server.ocppUrl,
    identity: 'CP-CRASH',
    password: chargerPassword,
  })
  await charger.call('BootNotification', { chargePointVendor: 'Other', chargePointModel: 'X' })
  for (const connectorId of [1, 2])
    await charger.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available' })
  return charger
}

async function admin(server: StartedServer): Promise<TestClient> {
  return client(server.url, { cookie: await signIn(server.url, 'admin', adminPassword) })
}

/** CP-CRASH and its pile's connectors as `api` lists them. */
async function shown(api: TestClient, pileId: number) {
  const listed = await api.json<{ id: string; connected: boolean; disconnectedAt: string | null }[]>(
    'GET',
    '/api/chargers',
  )
  const pile = await api.json<{ connectors: { connector: number; status: string }[] }>(
    'GET',
    `/api/piles/${pileId}`,
  )
  const charger = listed.body.find((row) => row.id === 'CP-CRASH')
  return {
    connected: charger?.connected,
    disconnectedAt: charger?.disconnectedAt,
    connectors: pile.body.connectors.map((row) => [row.connector, row.status]),
  }
}

const connectedState = {
  connected: true,
  disconnectedAt: null,
  connectors: [
    [1, 'available'],
    [2, 'available'],
  ],
}
const offlineConnectors = [
  [1, 'offline'],
  [2, 'offline'],
]

describe.skipIf(testDatabaseUrl === undefined)(
  testDatabaseUrl === undefined
    ? 'a SIGKILLed instance on PostgreSQL — skipped: set TEST_DATABASE_URL to run it'
    : 'a SIGKILLed instance on PostgreSQL, seen by the instance that survives it',
  () => {
    let folder: string
    let scratch: ScratchDatabase
    let database: Database
    let pileId: number
    let a: StartedServer
    let b: StartedServer
    let charger: RawCharger | undefined

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'server-crash-'))
      scratch = await createScratchDatabase(testDatabaseUrl ?? '')
      database = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 2 })
      pileId = await seed(database)
      const env = { DATABASE_URL: scratch.url }
      ;[a, b] = await Promise.all([
        startCli(flags(join(folder, 'a')), env),
        startCli(flags(join(folder, 'b')), env),
      ])
    }, 120_000)
    afterAll(async () => {
      await charger?.close()
      await Promise.all([a?.kill(), b?.stop()])
      await database?.close()
      await scratch?.drop()
      await rm(folder, { recursive: true, force: true })
    })

    it('shows the charger disconnected within the lapse, then its connectors offline, with live events', async () => {
      charger = await connectCharger(a)
      const api = await admin(b)
      await expect.poll(() => shown(api, pileId), { timeout: 10_000 }).toEqual(connectedState)
      const [held] = await database.db.select({ instanceId: chargers.instanceId }).from(chargers)
      const dead = held?.instanceId
      const ids = (await database.db.select({ id: ocppInstances.id }).from(ocppInstances)).map(
        (row) => row.id,
      )
      expect([ids.length, ids.includes(dead ?? '')]).toEqual([2, true])
      const survivor = ids.find((id) => id !== dead)
      const live = await openLive(b.url, await signIn(b.url, 'admin', adminPassword))

      const killedAt = Date.now()
      await a.kill()
      await expect
        .poll(async () => (await shown(api, pileId)).connected, {
          timeout: killedAt + lapseMs + slackMs - Date.now(),
          interval: 100,
        })
        .toBe(false)
      // B reaps on its next refresh after the lapse.
      await expect
        .poll(async () => (await shown(api, pileId)).connectors, {
          timeout: killedAt + lapseMs + refreshMs + slackMs - Date.now(),
          interval: 100,
        })
        .toEqual(offlineConnectors)
      const after = await shown(api, pileId)
      expect({ ...after, disconnectedAt: after.disconnectedAt === null }).toEqual({
        connected: false,
        disconnectedAt: false,
        connectors: offlineConnectors,
      })
      const events: { event?: string; data: unknown }[] = []
      for (let i = 0; i < 3; i++) {
        const message = await live.nextEvent()
        events.push({ event: message.event, data: JSON.parse(message.data ?? '') })
      }
      live.close()
      const at = after.disconnectedAt
      expect(events).toEqual([
        { event: 'charger', data: { type: 'charger', chargerId: 'CP-CRASH', pileId, connected: false } },
        ...[1, 2].map((connector) => ({
          event: 'connector',
          data: { type: 'connector', pileId, connector, status: 'offline', orderId: null, at },
        })),
      ])
      const left = (await database.db.select({ id: ocppInstances.id }).from(ocppInstances)).map(
        (row) => row.id,
      )
      expect(left).toEqual([survivor])
    }, 120_000)
  },
)

describe('a SIGKILLed instance on PGlite, seen by the instance restarted on its data folder', () => {
  // `start --data F` keeps its PGlite database in F/db.
  let folder: string
  let pileId: number
  let running: StartedServer | undefined
  let charger: RawCharger | undefined

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'server-crash-'))
    const database = await openDatabase({ engine: 'pglite', dataDir: join(folder, 'db') })
    pileId = await seed(database)
    await database.close()
  }, 120_000)
  afterAll(async () => {
    await charger?.close()
    await running?.kill()
    await rm(folder, { recursive: true, force: true })
  })

  it('shows the charger disconnected within the lapse, then its connectors offline', async () => {
    const first = await startCli(flags(folder))
    running = first
    charger = await connectCharger(first)
    const firstApi = await admin(first)
    await expect.poll(() => shown(firstApi, pileId), { timeout: 10_000 }).toEqual(connectedState)

    const killedAt = Date.now()
    await first.kill()
    const restarted = await startCli(flags(folder))
    running = restarted
    const api = await admin(restarted)
    // Within the lapse of the kill, or at once if the restart took longer.
    await expect
      .poll(async () => (await shown(api, pileId)).connected, {
        timeout: Math.max(killedAt + lapseMs + slackMs - Date.now(), slackMs),
        interval: 100,
      })
      .toBe(false)
    await expect
      .poll(async () => (await shown(api, pileId)).connectors, {
        timeout: Math.max(killedAt + lapseMs + refreshMs + slackMs - Date.now(), refreshMs + slackMs),
        interval: 100,
      })
      .toEqual(offlineConnectors)
    const after = await shown(api, pileId)
    expect({ ...after, disconnectedAt: after.disconnectedAt === null }).toEqual({
      connected: false,
      disconnectedAt: false,
      connectors: offlineConnectors,
    })

    expect(await restarted.stop()).toBe(0)
    running = undefined
    const database = await openDatabase({ engine: 'pglite', dataDir: join(folder, 'db') })
    try {
      expect(await database.db.select().from(ocppInstances)).toEqual([])
      const [row] = await database.db.select({ at: chargers.disconnectedAt }).from(chargers)
      expect(row?.at?.toISOString()).toBe(after.disconnectedAt)
    } finally {
      await database.close()
    }
  }, 180_000)
})
