import { readFile } from 'node:fs/promises'
import type { Logger } from '@chargechain/agent-core'
import { readSecret } from '@chargechain/chain'
import { createOcppClient, type OcppClient, type OcppClientHandlers, openFileQueue } from '@chargechain/ocpp'
import type { ChannelLedger, PileAgent } from '@chargechain/pile'
import { ocppChannelLedger, pileCommandHandlers, reportPile } from '@chargechain/pile-ocpp'
import { z } from 'zod'
import { ManagementConfigError } from './errors.js'

/** Where the pile reports to its operator's management server, as the config file says. */
export const managementSchema = z.strictObject({
  /** The server's OCPP endpoint without the charger id: `ws://host:8080/ocpp`, or `wss://…` (security profile 2). */
  url: z.string().regex(/^wss?:\/\/[^/]+(\/.*)?$/, 'a ws:// or wss:// URL such as ws://host:8080/ocpp'),
  /** The charger id the operator registered (`chargechain-server charger add ID`). */
  identity: z.string().min(1).max(48),
  /** Environment variable holding the charger's password (never the config file). */
  passwordEnv: z.string().min(1).default('CHARGECHAIN_OCPP_PASSWORD'),
  /** Or a file holding it (a systemd credential); one trailing newline is ignored. Takes precedence. */
  passwordFile: z.string().min(1).optional(),
  /** The queue of reports waiting for the server; keep it beside the journal, on storage that survives a power cut. */
  queue: z.string().min(1),
  /** PEM file of the CA that signed the server's certificate, for `wss://` with a private CA. */
  ca: z.string().min(1).optional(),
  /** Least seconds between two meter value reports while charging. */
  meterIntervalSeconds: z.number().int().min(1).max(3600).default(60),
  /** What BootNotification says of this pile. */
  boot: z
    .strictObject({
      vendor: z.string().min(1).max(20),
      model: z.string().min(1).max(20),
      serialNumber: z.string().min(1).max(25).optional(),
      firmwareVersion: z.string().min(1).max(50).optional(),
    })
    .default({ vendor: 'ChargeChain', model: 'pile-agent' }),
})

export type ManagementConfig = z.output<typeof managementSchema>

export interface Management {
  client: OcppClient
  /** The operator's channel ledger on the server. */
  ledger: ChannelLedger
  /**
   * Reports `agent` until close, and has it answer the server's commands (stop, stop at, availability, trigger
   * message, reset: `restart` is called once the session in progress has ended).
   */
  report(agent: PileAgent, restart: (type: 'Soft' | 'Hard') => void): void
  /** Stops reporting and closes the connection once every report is in the queue. */
  close(): Promise<void>
}

/**
 * Connects to the management server over OCPP (reconnecting with backoff; reports wait in the file queue while it is
 * unreachable) and gives the operator's channel ledger there.
 */
export async function connectManagement(
  config: ManagementConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Management> {
  const password = await readSecret(
    { file: config.passwordFile, variable: config.passwordEnv },
    { purpose: `the password of charger ${config.identity}`, error: ManagementConfigError, env },
  )
  const ca =
    config.ca === undefined
      ? undefined
      : await readFile(config.ca, 'utf8').catch((error: unknown) => {
          throw new ManagementConfigError(`Cannot read the CA file ${config.ca}; check the path.`, {
            cause: error,
          })
        })
  // The client comes before the agent (the agent needs its ledger): commands are refused until `report` attaches it.
  const handlers: OcppClientHandlers = {}
  const client = await createOcppClient({
    handlers,
    url: config.url,
    identity: config.identity,
    password,
    connectors: 1,
    queue: await openFileQueue(config.queue),
    boot: config.boot,
    logger: logger.child({ ocpp: config.identity }),
    ...(ca === undefined ? {} : { tls: { ca } }),
  })
  // Connecting (and booting) goes on in the background: the pile charges whether or not the server is up.
  void client.start()
  let report: ReturnType<typeof reportPile> | undefined
  return {
    client,
    ledger: ocppChannelLedger(client),
    report(agent, restart) {
      report = reportPile(agent, client, {
        meterIntervalMs: config.meterIntervalSeconds * 1000,
        onError: (error) => logger.warn({ err: error }, 'a report to the management server was not queued'),
      })
      Object.assign(
        handlers,
        pileCommandHandlers(agent, {
          report,
          restart,
          onError: (error) => logger.warn({ err: error }, 'the meter reading the server asked for failed'),
        }),
      )
    },
    async close() {
      report?.stop()
      await report?.queued()
      await client.close()
    },
  }
}
