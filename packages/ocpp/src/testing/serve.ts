import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addCharger, type Database, putIdTag } from '@chargechain/db'
import { insertPile, type NewPile } from '@chargechain/db/testing'
import { hashChargerPassword } from '../server/auth.js'
import {
  type CreateOcppServerOptions,
  createOcppServer,
  type OcppServer,
} from '../server/createOcppServer.js'

export interface ServedOcpp {
  ocpp: OcppServer
  http: Server
  /** `ws://127.0.0.1:PORT/ocpp` (or `wss:`). */
  endpoint: string
  close(): Promise<void>
}

const actor = { accountId: null, name: 'test' }

/**
 * An OCPP server on a plain node http server (or https with `cert` and `key`) on a free port, the way the
 * management server mounts it: its 'upgrade' event calls handleUpgrade.
 */
export async function serveOcpp(
  database: Database,
  options: Partial<CreateOcppServerOptions> & { cert?: string; key?: string; port?: number } = {},
): Promise<ServedOcpp> {
  const { cert, key, port: wanted = 0, ...rest } = options
  const ocpp = await createOcppServer({
    database,
    maxPayloadBytes: 64 * 1024,
    heartbeatIntervalSeconds: 300,
    ...rest,
  })
  const http = cert && key ? createHttpsServer({ cert, key }) : createHttpServer()
  http.on('upgrade', (request, socket, head) => ocpp.handleUpgrade(request, socket, head))
  await new Promise<void>((resolve) => http.listen(wanted, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  const endpoint = `${cert ? 'wss' : 'ws'}://127.0.0.1:${port}/ocpp`
  return {
    ocpp,
    http,
    endpoint,
    async close() {
      await ocpp.close()
      await new Promise((resolve) => http.close(resolve))
    },
  }
}

/** A pile with OCPP credentials: `id` and `password` (hashed as the server does). */
export async function addTestCharger(
  database: Database,
  id: string,
  password: string,
  pile: Partial<NewPile> = {},
): Promise<{ chargerId: string; pileId: number }> {
  const row = await insertPile(database.db, { dmid: `DM-${id}`, ...pile })
  await addCharger(
    database.db,
    { id, pileId: row.id, passwordHash: await hashChargerPassword(password) },
    actor,
  )
  return { chargerId: id, pileId: row.id }
}

export async function addTestTag(database: Database, tag: string): Promise<void> {
  await putIdTag(database.db, { tag }, actor)
}

/** A self-signed certificate for localhost, made with the openssl command line. */
export function selfSignedCertificate(): { cert: string; key: string } {
  const directory = mkdtempSync(join(tmpdir(), 'ocpp-tls-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(directory, 'key.pem'),
        '-out',
        join(directory, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    return {
      cert: readFileSync(join(directory, 'cert.pem'), 'utf8'),
      key: readFileSync(join(directory, 'key.pem'), 'utf8'),
    }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

/** A port nothing listens on now (for a server that comes up later). */
export async function freePort(): Promise<number> {
  const probe = createHttpServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}
