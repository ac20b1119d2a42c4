import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { privateKeySigner } from '@chargechain/chain'
import { addCharger, createPile, type Database, openDatabase } from '@chargechain/db'
import { createIndexer } from '@chargechain/indexer'
import { hashChargerPassword } from '@chargechain/ocpp'
import {
  channelVoucherVerifier,
  createServer,
  ensureFirstAdmin,
  type RunningServer,
  type ServerLogger,
} from '@chargechain/server'
import { type ChannelSettler, createChannelSettler } from '@chargechain/settler'
import { createClient, http } from 'viem'
import type { DevNet } from './devnet.js'
import { demoTokenSymbol, type FleetPlan, type PilePlan } from './fleet.js'
import { createRandom } from './random.js'
import type { ChargerCredentials } from './reporting.js'

export interface Management {
  readonly url: string
  readonly database: Database
  readonly dataDir: string
  /** Set when this start created the first admin: printed once. */
  readonly admin: { username: string; password: string | undefined } | undefined
  /** Each pile's OCPP identity (its DMID) and password, registered on the server. */
  readonly chargers: ReadonlyMap<string, ChargerCredentials>
  /** Settles every channel with an unsettled voucher on chain now (the settler also does so every minute). */
  settleChannels(): Promise<void>
  close(): Promise<void>
}

export interface StartManagementOptions {
  devnet: DevNet
  plan: FleetPlan
  /** 0 picks a free port. */
  port: number
  seed: number
  /** Where the server logs (its OCPP endpoint's boots, connections); silent by default. */
  logger?: ServerLogger
}

/** Where each site of the demo fleet stands (the cities the piles are named after). */
const sites: Record<string, { latitude: number; longitude: number; address: string }> = {
  '上海 徐汇': { latitude: 31.1884, longitude: 121.4365, address: '上海市徐汇区漕溪北路' },
  '上海 浦东': { latitude: 31.2215, longitude: 121.5444, address: '上海市浦东新区世纪大道' },
  '杭州 西湖': { latitude: 30.259, longitude: 120.13, address: '杭州市西湖区文三路' },
  '苏州 园区': { latitude: 31.316, longitude: 120.713, address: '苏州市工业园区星湖街' },
  '南京 鼓楼': { latitude: 32.066, longitude: 118.77, address: '南京市鼓楼区中山北路' },
}

const brands = { ac: '特来电', dc: '星星充电' } as const

/** The dashboard's names for the fleet's currencies: the native coin is ETH already; the demo token gets its symbol. */
function demoCurrency(devnet: DevNet): Record<string, { symbol: string; decimals: number }> {
  const token = devnet.deployment.contracts.demoToken
  return token ? { [token.toLowerCase()]: { symbol: demoTokenSymbol, decimals: 18 } } : {}
}

/** The dashboard's built files, when `npm run build` made them. */
const dashboardDist = fileURLToPath(new URL('../../dashboard/dist', import.meta.url))

/** Channel vouchers the piles record, settled on chain this often (and when the simulator stops). */
const settleIntervalMs = 60_000

/**
 * The management server beside the simulated fleet: a fresh PGlite folder (the dev chain is new each run), the
 * fleet's piles with the metadata an operator would enter, the chain indexer on the dev chain, and the dashboard;
 * the server runs its own OCPP endpoint, to which the simulated piles report, and keeps every operator's channel
 * ledger, which it settles on chain with the operators' keys, as `chargechain-server start --operator-keystore` does.
 */
export async function startManagement(options: StartManagementOptions): Promise<Management> {
  const dataDir = await mkdtemp(join(tmpdir(), 'chargechain-server-'))
  const database = await openDatabase({ engine: 'pglite', dataDir: join(dataDir, 'db') })
  let server: RunningServer | undefined
  let settler: ChannelSettler | undefined
  try {
    const random = createRandom(options.seed)
    const credentials: Array<{ dmid: string; password: string; pileId: number }> = []
    for (const pile of options.plan.piles) {
      const row = await createPile(database.db, metadataOf(pile, random), simulator)
      credentials.push({ dmid: pile.dmid, password: randomBytes(12).toString('base64url'), pileId: row.id })
    }
    for (const { dmid, password, pileId } of credentials) {
      await addCharger(
        database.db,
        { id: dmid, pileId, passwordHash: await hashChargerPassword(password) },
        simulator,
      )
    }
    const admin = await ensureFirstAdmin(database, { env: process.env, generate: true })
    const indexer = createIndexer({
      database,
      client: createClient({ transport: http(options.devnet.chain.rpcUrl) }),
      deployment: options.devnet.deployment,
      confirmations: 1,
      pollIntervalMs: 500,
    })
    // The channels the fleet opened are on the server before any pile asks its ledger about them.
    await indexer.syncOnce()
    server = await createServer({
      database,
      port: options.port,
      indexer,
      ...(options.logger ? { logger: options.logger } : {}),
      ocpp: { verifyChannelVoucher: channelVoucherVerifier(options.devnet.deployment) },
      ...(existsSync(join(dashboardDist, 'index.html')) ? { staticDir: dashboardDist } : {}),
      // The demo token is an 18-decimal ERC-20; the dashboard shows it by its symbol rather than in raw units.
      dashboard: { currencies: demoCurrency(options.devnet) },
    })
    settler = createChannelSettler({
      database,
      operators: options.plan.operators.map((operator) =>
        options.devnet.clientFor(privateKeySigner(operator.payout.privateKey, operator.name)),
      ),
      intervalMs: settleIntervalMs,
    })
    settler.start()
    const running = server
    const settling = settler
    const ocppUrl = `${running.url.replace(/^http/, 'ws')}/ocpp`
    return {
      url: running.url,
      database,
      dataDir,
      admin: admin ? { username: admin.username, password: admin.generatedPassword } : undefined,
      chargers: new Map(
        credentials.map(({ dmid, password }) => [dmid, { url: ocppUrl, identity: dmid, password }]),
      ),
      async settleChannels() {
        await settling.settleDue('all')
      },
      async close() {
        await settling.stop()
        await running.close()
        await database.close()
      },
    }
  } catch (error) {
    await settler?.stop()
    await server?.close()
    await database.close()
    throw error
  }
}

const simulator = { accountId: null, name: 'simulator' }

function metadataOf(pile: PilePlan, random: ReturnType<typeof createRandom>) {
  const city = Object.keys(sites).find((name) => pile.name.startsWith(name)) ?? '上海 徐汇'
  const site = sites[city] ?? { latitude: 31.2, longitude: 121.4, address: '' }
  // Piles of one site stand within a few hundred metres of each other.
  const jitter = () => (random.integer(0, 2_000) - 1_000) / 200_000
  return {
    dmid: pile.dmid,
    name: pile.name,
    site: city,
    installedOn: `2026-0${1 + (pile.index % 9)}-1${pile.index % 10}`,
    brand: brands[pile.charger.kind],
    model: pile.charger.kind === 'ac' ? 'AC 7 kW' : 'DC 60 kW',
    currentType: pile.charger.kind,
    guns: 1,
    ratedPowerW: pile.charger.ratedPowerW,
    firmwareVersion: '1.0.0',
    latitude: site.latitude + jitter(),
    longitude: site.longitude + jitter(),
    address: site.address,
  }
}
