// Must show — two instances: two real `chargechain-server start` processes on one PostgreSQL (a scratch database of
// this run) serve one fleet. A charger speaking bare `ws` frames connects to A; a remote stop sent through B's REST
// API reaches it (PostgreSQL LISTEN/NOTIFY between the instances) and B answers with the charger's answer. Both
// instances' indexers follow one anvil, backfilling together and then following new blocks: every event is applied
// once — chain_events rows are the chain's logs, one for one; the instances' `blocks applied` logs add up to that
// number; each order and the daily totals are as the chain made them.
// Runs only with TEST_DATABASE_URL (PostgreSQL); without it the suite is reported skipped, by name.
// Breaks tried: the OCPP bus's `holds` answering false (B's stop answers 503 charger_offline); `start` not creating
// the indexer (the cursor never reaches the chain's head).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  addCharger,
  chainEvents,
  type Database,
  indexerCursors,
  openDatabase,
  orders,
  pileDailyTotals,
} from '@chargechain/db'
import {
  createScratchDatabase,
  insertPile,
  type ScratchDatabase,
  testDatabaseUrl,
} from '@chargechain/db/testing'
import { hashChargerPassword } from '@chargechain/ocpp'
import { openRawCharger, type RawCharger } from '@chargechain/ocpp/testing'
import { asc, isNotNull } from 'drizzle-orm'
import { createClient, http } from 'viem'
import { getBlockNumber, getLogs } from 'viem/actions'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChainActivity, type PlayedSession, startChainActivity } from './testing/chainActivity.js'
import { type StartedServer, startCli } from './testing/cli.js'
import { addAccount, client, signIn, type TestClient } from './testing/harness.js'

const adminPassword = 'admin-password-1'
const chargerPassword = 'two-instances-pw'

describe.skipIf(testDatabaseUrl === undefined)(
  testDatabaseUrl === undefined
    ? 'two chargechain-server instances on one PostgreSQL — skipped: set TEST_DATABASE_URL to run it'
    : 'two chargechain-server instances on one PostgreSQL',
  () => {
    let folder: string
    let scratch: ScratchDatabase
    let database: Database
    let activity: ChainActivity
    let a: StartedServer
    let b: StartedServer
    let pileId: number
    let charger: RawCharger
    const played: PlayedSession[] = []

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'server-instances-'))
      scratch = await createScratchDatabase(testDatabaseUrl ?? '')
      database = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 2 })
      await addAccount(database, 'admin', adminPassword, 'admin')
      pileId = (await insertPile(database.db, { dmid: 'DM-TWO', guns: 1 })).id
      await addCharger(
        database.db,
        { id: 'CP-TWO', pileId, passwordHash: await hashChargerPassword(chargerPassword) },
        { accountId: null, name: 'test' },
      )
      const manifest = join(folder, 'deployment.json')
      activity = await startChainActivity(manifest)
      // History for the indexers to backfill, both at once.
      played.push(...(await activity.play([1_200, null, 3_400, 560])))
      const flags = (name: string) => [
        '--port',
        '0',
        '--data',
        join(folder, name),
        '--rpc',
        activity.chain.rpcUrl,
        '--deployment',
        manifest,
        '--confirmations',
        '0',
      ]
      const env = { DATABASE_URL: scratch.url }
      ;[a, b] = await Promise.all([startCli(flags('a'), env), startCli(flags('b'), env)])
      charger = await openRawCharger({
        endpoint: a.ocppUrl,
        identity: 'CP-TWO',
        password: chargerPassword,
      })
    }, 300_000)
    afterAll(async () => {
      await charger?.close()
      await Promise.all([a?.stop(), b?.stop()])
      await activity?.stop()
      await database?.close()
      await scratch?.drop()
      await rm(folder, { recursive: true, force: true })
    })

    /** The events an instance's indexer says it applied (its `blocks applied` log lines). */
    function appliedEvents(server: StartedServer): number {
      let sum = 0
      for (const line of server.output.join('').split('\n'))
        if (line.startsWith('{') && line.endsWith('}') && line.includes('"msg":"blocks applied"')) {
          const { events } = JSON.parse(line) as { events: number }
          sum += events
        }
      return sum
    }

    async function admin(server: StartedServer): Promise<TestClient> {
      return client(server.url, { cookie: await signIn(server.url, 'admin', adminPassword) })
    }

    it("a remote stop sent through B reaches the charger on A, and B answers with the charger's answer", async () => {
      await charger.call('BootNotification', { chargePointVendor: 'Other', chargePointModel: 'X' })
      await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' })
      const started = await charger.call('StartTransaction', {
        connectorId: 1,
        idTag: 'CARD-1',
        meterStart: 1_000,
        timestamp: new Date().toISOString(),
      })
      if (!started.ok) throw new Error(`StartTransaction failed: ${started.code}`)
      const { transactionId } = started.payload as { transactionId: number }
      charger.answer('RemoteStopTransaction', () => ({ status: 'Accepted' }))
      const stop = await (await admin(b)).json('POST', `/api/piles/${pileId}/commands/stop`, {
        orderId: transactionId,
      })
      expect(stop).toEqual({ status: 200, body: { result: { status: 'Accepted' } } })
      expect(charger.received).toEqual([['RemoteStopTransaction', { transactionId }]])
      charger.answer('Reset', () => ({ status: 'Rejected' }))
      const reset = await (await admin(b)).json<{ error: { code: string } }>(
        'POST',
        `/api/piles/${pileId}/commands/reset`,
        { type: 'Hard' },
      )
      expect([reset.status, reset.body.error.code]).toEqual([409, 'charger_rejected'])
    }, 120_000)

    it('with both indexers running, every event is applied once', async () => {
      // New blocks while both follow the chain.
      played.push(...(await activity.play([2_000, null, 780])))
      const chain = createClient({ transport: http(activity.chain.rpcUrl) })
      const head = Number(await getBlockNumber(chain, { cacheTime: 0 }))
      await expect
        .poll(async () => (await database.db.select().from(indexerCursors))[0]?.blockNumber, {
          timeout: 120_000,
          interval: 500,
        })
        .toBe(head)
      const logs = await getLogs(chain, {
        address: activity.contracts,
        fromBlock: BigInt(activity.deployment.startBlock),
        toBlock: BigInt(head),
      })
      const events = await database.db
        .select({ block: chainEvents.blockNumber, log: chainEvents.logIndex })
        .from(chainEvents)
        .orderBy(asc(chainEvents.blockNumber), asc(chainEvents.logIndex))
      expect(events).toEqual(logs.map((log) => ({ block: Number(log.blockNumber), log: log.logIndex })))
      // Each instance logs the batches it applied: together, each event once.
      await expect.poll(() => appliedEvents(a) + appliedEvents(b), { timeout: 30_000 }).toBe(logs.length)
      for (const server of [a, b]) expect(server.output.join('')).not.toContain('the chain indexer stopped')

      const rows = await database.db
        .select({
          sessionId: orders.sessionId,
          state: orders.state,
          energyWh: orders.energyWh,
          deposit: orders.deposit,
          amountReceived: orders.amountReceived,
        })
        .from(orders)
        .where(isNotNull(orders.sessionId))
      const bySession = (x: { sessionId: string | null }, y: { sessionId: string | null }) =>
        String(x.sessionId).localeCompare(String(y.sessionId))
      expect(rows.sort(bySession)).toEqual(
        played
          .map(({ sessionId, state, energyWh, deposit, amountReceived }) => ({
            sessionId: sessionId.toLowerCase(),
            state,
            energyWh,
            deposit,
            amountReceived,
          }))
          .sort(bySession),
      )
      const totals = await database.db.select().from(pileDailyTotals)
      const settled = played.filter((session) => session.state === 'settled')
      expect(
        totals
          .filter((row) => row.currency !== null)
          .reduce(
            (sum, row) => ({ sessions: sum.sessions + row.sessions, energyWh: sum.energyWh + row.energyWh }),
            {
              sessions: 0,
              energyWh: 0,
            },
          ),
      ).toEqual({ sessions: 5, energyWh: settled.reduce((sum, session) => sum + session.energyWh, 0) })
    }, 240_000)
  },
)
