import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import {
  type Database,
  instanceLivenessDefaults,
  type LiveEvent,
  type MeterValueInput,
  markChargerOffline,
  publishLive,
  publishLiveMany,
  type RecordedReading,
  recordChargerConnected,
  recordHeartbeats,
  recordMeterValues,
} from '@chargechain/db'
import { OcppOptionsError } from '../errors.js'
import { type OcppLogger, silentLogger } from '../logger.js'
import { createRpcServer } from '../ocppRpc.js'
import type { RpcConnection } from '../rpc.js'
import { type ChargerSession, createAuthenticator } from './auth.js'
import { createBatcher } from './batcher.js'
import { createBus } from './bus.js'
import { type ChargerCommands, callCharger, createCommands, outcomeOf } from './commands.js'
import type { ChannelVoucherVerifier } from './dataTransfer.js'
import { chargerHandlers } from './handlers.js'
import { publishOffline, startInstanceLiveness } from './liveness.js'

export interface CreateOcppServerOptions {
  database: Database
  /**
   * Names this instance to the others on the same database; random by default. Two running instances never share
   * one: an instance starting closes the connections recorded under its name.
   */
  instanceId?: string
  /** How often this instance tells the others it is alive (10 s by default). */
  instanceRefreshMs?: number
  /**
   * How long an instance may go without telling before its chargers count as disconnected and the others take
   * them offline (30 s by default); more than `instanceRefreshMs`. The API's `connected` needs the same value.
   */
  instanceLapseMs?: number
  /** Frames above this size are refused: the websocket closes with 1009. */
  maxPayloadBytes: number
  /** The Heartbeat interval BootNotification hands out. */
  heartbeatIntervalSeconds: number
  /**
   * Security profile 2: the HTTP server is https, and an upgrade that did not arrive over TLS is refused (403).
   * Off: profile 1 (basic auth over ws:, for a private network or a TLS-terminating proxy).
   */
  tls?: boolean
  logger?: OcppLogger
  /**
   * Checks a car's channel voucher signature under the deployment's PaymentChannels domain. Without it the server
   * cannot tell a forged voucher and records none.
   */
  verifyChannelVoucher?: ChannelVoucherVerifier
}

export interface OcppServer {
  /** For the HTTP(S) server's 'upgrade' event on `/ocpp/:chargerId`; anything else gets 404. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Commands to chargers on this instance or any other on the same database. */
  readonly commands: ChargerCommands
  /** The chargers connected to this instance. */
  connectedChargers(): string[]
  /** Closes every connection (marking its connectors offline), stops listening, and writes what is pending; once. */
  close(): Promise<void>
}

interface Held {
  connection: RpcConnection
  session: ChargerSession
  connectedAt: Date
  /** The connection recorded in the database; its close is recorded after it. */
  recorded: Promise<void>
}

/**
 * Readings and heartbeats wait up to 25 ms for others: a write's cost is mostly per statement, so at a thousand
 * messages a second this is a few dozen transactions instead of a thousand. At most 500 in one keeps a write
 * under ~100 ms on PGlite.
 */
const batching = { maxItems: 500, lingerMs: 25 }

/**
 * The OCPP 1.6J endpoint: authenticates chargers (security profile 1, and 2 with `tls`), stores what they report,
 * publishes live events, and carries commands to them across instances.
 */
export async function createOcppServer(options: CreateOcppServerOptions): Promise<OcppServer> {
  const { database, maxPayloadBytes, heartbeatIntervalSeconds } = options
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 1024)
    throw new OcppOptionsError(
      `maxPayloadBytes must be a whole number of at least 1024; got ${maxPayloadBytes}.`,
    )
  if (!Number.isInteger(heartbeatIntervalSeconds) || heartbeatIntervalSeconds < 1)
    throw new OcppOptionsError(
      `heartbeatIntervalSeconds must be a whole number of at least 1; got ${heartbeatIntervalSeconds}.`,
    )
  const refreshMs = options.instanceRefreshMs ?? instanceLivenessDefaults.refreshMs
  const lapseMs = options.instanceLapseMs ?? instanceLivenessDefaults.lapseMs
  if (!Number.isInteger(refreshMs) || refreshMs < 100 || !Number.isInteger(lapseMs) || lapseMs <= refreshMs)
    throw new OcppOptionsError(
      `instanceRefreshMs must be a whole number of at least 100 and instanceLapseMs a larger one; got ${refreshMs} and ${lapseMs}.`,
    )
  const { db } = database
  const logger = options.logger ?? silentLogger
  const instanceId = options.instanceId ?? randomUUID()
  const held = new Map<string, Held>()
  const closing = new Set<Promise<unknown>>()
  const track = (work: Promise<unknown>) => {
    const tracked = work
      .catch((error: unknown) => logger.error({ error }, 'an OCPP write failed'))
      .finally(() => closing.delete(tracked))
    closing.add(tracked)
  }

  const readings = createBatcher<MeterValueInput, RecordedReading>(
    (inputs) =>
      db.transaction(async (tx) => {
        const results = await recordMeterValues(tx, inputs)
        const events: LiveEvent[] = []
        results.forEach((result, i) => {
          const input = inputs[i]
          if (!input || !result.stored || result.flag !== null) return
          events.push({
            type: 'meter',
            pileId: input.pileId,
            connector: input.connector,
            orderId: result.orderId,
            energyWh: input.energyWh,
            powerW: input.powerW ?? null,
            at: input.measuredAt.toISOString(),
          })
        })
        // One statement for the batch's events: a pg_notify each would cost more than the readings themselves.
        await publishLiveMany(tx, events)
        return results
      }),
    batching,
  )
  const heartbeats = createBatcher<{ pileId: number; at: Date }, void>(async (beats) => {
    await recordHeartbeats(db, beats)
    return beats.map(() => undefined)
  }, batching)

  const bus = await createBus(
    database,
    instanceId,
    {
      holds: (chargerId) => held.has(chargerId),
      async execute(chargerId, action, payload, timeoutMs) {
        const here = held.get(chargerId)
        if (!here) return { ok: false, error: 'offline', message: `${chargerId} left this instance.` }
        return outcomeOf(callCharger(here.connection, action, payload, timeoutMs))
      },
      connectedElsewhere(chargerId, at) {
        const here = held.get(chargerId)
        if (here && here.connectedAt.getTime() < at)
          void here.connection.close(1000, 'Replaced by a newer connection')
      },
    },
    logger,
  )

  async function connected(chargerId: string, pileId: number, connectedAt: Date): Promise<void> {
    await db.transaction(async (tx) => {
      await recordChargerConnected(tx, chargerId, connectedAt, instanceId)
      await publishLive(tx, { type: 'charger', chargerId, pileId, connected: true })
      await bus.announceConnection(tx, chargerId, connectedAt.getTime())
    })
  }

  async function disconnected(chargerId: string, connectedAt: Date): Promise<void> {
    const at = new Date()
    await db.transaction(async (tx) => {
      const offline = await markChargerOffline(tx, chargerId, connectedAt, at)
      if (offline) await publishOffline(tx, [{ chargerId, ...offline }], at)
    })
  }

  const authenticate = createAuthenticator({ db })
  const rpc = createRpcServer<ChargerSession>({
    maxPayloadBytes,
    pingIntervalMs: 30_000,
    async authenticate(upgrade) {
      const socket = upgrade.request.socket
      if (options.tls && !('encrypted' in socket && socket.encrypted === true))
        return { accept: false, status: 403, message: 'Connect with wss: (security profile 2).' }
      return authenticate(upgrade)
    },
    onConnection(connection, session) {
      const { chargerId, pileId } = session
      const previous = held.get(chargerId)
      // Strictly after the previous connection, so "is this the newest?" has one answer.
      const now = Date.now()
      const connectedAt = new Date(Math.max(now, (previous?.connectedAt.getTime() ?? 0) + 1))
      const recorded = connected(chargerId, pileId, connectedAt)
      const entry: Held = { connection, session, connectedAt, recorded }
      held.set(chargerId, entry)
      if (previous) void previous.connection.close(1000, 'Replaced by a newer connection')
      logger.info({ chargerId, pileId }, 'charger connected')
      track(recorded)
      return {
        handlers: chargerHandlers({
          db,
          session,
          heartbeatIntervalSeconds,
          readings,
          heartbeats,
          logger,
          verifyVoucher: options.verifyChannelVoucher,
        }),
        onClose() {
          if (held.get(chargerId) === entry) held.delete(chargerId)
          logger.info({ chargerId }, 'charger disconnected')
          track(recorded.catch(() => {}).then(() => disconnected(chargerId, connectedAt)))
        },
      }
    },
    onBadMessage(identity, error) {
      logger.warn({ chargerId: identity, error: error.message }, 'bad OCPP frame')
    },
  })

  const liveness = await startInstanceLiveness({
    db,
    instanceId,
    refreshMs,
    lapseMs,
    logger,
    onPresumedGone() {
      for (const { connection } of held.values()) void connection.close(1012, 'Server instance restarting')
    },
  }).catch(async (error: unknown) => {
    await bus.close()
    throw error
  })
  const commands = createCommands({ db, bus, local: (chargerId) => held.get(chargerId)?.connection })
  let shutdown: Promise<void> | undefined

  return {
    handleUpgrade(request, socket, head) {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname
      if (!/^\/ocpp\/[^/]+$/.test(path)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      rpc.handleUpgrade(request, socket, head)
    },
    commands,
    connectedChargers: () => [...held.keys()],
    close() {
      shutdown ??= (async () => {
        await rpc.close()
        await Promise.all([readings.drain(), heartbeats.drain()])
        while (closing.size > 0) await Promise.all(closing)
        await liveness.close()
        await bus.close()
      })()
      return shutdown
    },
  }
}
