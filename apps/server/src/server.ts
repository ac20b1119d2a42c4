import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Database } from '@chargechain/db'
import { type ChannelVoucherVerifier, createOcppServer, type OcppServer } from '@chargechain/ocpp'
import { getRequestListener } from '@hono/node-server'
import { type AppOptions, createApp } from './app.js'
import { ListenError } from './errors.js'
import { createLiveHub } from './live/hub.js'
import { type ServerLogger, silentLogger } from './logger.js'
import { serveDashboard } from './static.js'

/** The chain indexer as the server runs it (packages/indexer's `createIndexer`). */
export interface IndexerLike {
  start(): Promise<void>
  stop(): Promise<void>
}

export interface CreateServerOptions
  extends Pick<
    AppOptions,
    'loginLimits' | 'trustProxy' | 'maxBodyBytes' | 'sessionTtlMs' | 'now' | 'dashboard'
  > {
  database: Database
  /** 0 picks a free port. */
  port: number
  host?: string
  /** PEM certificate and key: the API and OCPP are then served over TLS (https, wss: OCPP security profile 2). */
  tls?: { cert: string | Buffer; key: string | Buffer }
  /** The OCPP endpoint's settings; it always runs, at /ocpp/ID on this server (profile 2 with `tls`). */
  ocpp?: OcppSettings
  /** Started once the server listens, stopped when it closes. */
  indexer?: IndexerLike
  /** The dashboard's built files, served for every path outside /api (unknown ones get index.html). */
  staticDir?: string
  logger?: ServerLogger
  /** Heartbeat of the live stream (15 s by default). */
  liveHeartbeatMs?: number
}

export interface OcppSettings {
  /** Names this instance to the others on the same PostgreSQL (commands across instances); random by default. */
  instanceId?: string
  /** How often this instance tells the others it is alive; 10 s by default. */
  instanceRefreshMs?: number
  /**
   * After how long without that an instance's chargers count as disconnected and are taken offline; 30 s by
   * default. Every instance on one database should use the same.
   */
  instanceLapseMs?: number
  /** The Heartbeat interval BootNotification hands out; 60 s by default. */
  heartbeatIntervalSeconds?: number
  /** Larger frames close the connection (1009); 64 KiB by default. */
  maxPayloadBytes?: number
  /** Checks the channel vouchers piles report (the deployment's); without it none is recorded. */
  verifyChannelVoucher?: ChannelVoucherVerifier
}

export interface RunningServer {
  /** `http://host:port` (https with TLS). */
  readonly url: string
  readonly port: number
  /** The OCPP endpoint: chargers connect to `ws://host:port/ocpp/ID` (wss with TLS). */
  readonly ocpp: Pick<OcppServer, 'commands' | 'connectedChargers'>
  /** Stops taking requests, ends live streams and OCPP connections, stops the indexer. The database stays open. */
  close(): Promise<void>
}

/**
 * One node HTTP(S) server for everything: the REST API and its live stream, the dashboard's files, and the
 * OCPP endpoint's WebSocket upgrades on /ocpp/ID.
 */
export async function createServer(options: CreateServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger
  const ocpp = await createOcppServer({
    database: options.database,
    heartbeatIntervalSeconds: options.ocpp?.heartbeatIntervalSeconds ?? 60,
    maxPayloadBytes: options.ocpp?.maxPayloadBytes ?? 64 * 1024,
    tls: options.tls !== undefined,
    logger,
    ...(options.ocpp?.instanceId === undefined ? {} : { instanceId: options.ocpp.instanceId }),
    instanceRefreshMs: options.ocpp?.instanceRefreshMs,
    instanceLapseMs: options.ocpp?.instanceLapseMs,
    ...(options.ocpp?.verifyChannelVoucher === undefined
      ? {}
      : { verifyChannelVoucher: options.ocpp.verifyChannelVoucher }),
  })
  const live = await createLiveHub(options.database, logger).catch(async (error: unknown) => {
    await ocpp.close()
    throw error
  })
  const app = createApp({
    ...options,
    logger,
    live,
    liveHeartbeatMs: options.liveHeartbeatMs ?? 15_000,
    secureCookies: options.tls !== undefined,
    commands: ocpp.commands,
    instanceLapseMs: options.ocpp?.instanceLapseMs,
  })
  if (options.staticDir !== undefined) serveDashboard(app, options.staticDir)

  const listener = getRequestListener(app.fetch)
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener)
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0] ?? ''
    if (/^\/ocpp\/[^/]+$/.test(path)) ocpp.handleUpgrade(request, socket, head)
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(new ListenError(`${host}:${options.port}`, error))
    server.once('error', failed)
    server.listen(options.port, host, () => {
      server.off('error', failed)
      resolve()
    })
  }).catch(async (error: unknown) => {
    await live.close()
    await ocpp.close()
    throw error
  })
  const { port } = server.address() as AddressInfo
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`
  logger.info({ url }, 'server listening')

  let closing: Promise<void> | undefined
  const running: RunningServer = {
    url,
    port,
    ocpp,
    close() {
      closing ??= (async () => {
        await options.indexer?.stop()
        await live.close()
        await ocpp.close()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        await closed
      })()
      return closing
    },
  }
  try {
    await options.indexer?.start()
  } catch (error) {
    await running.close()
    throw error
  }
  return running
}
