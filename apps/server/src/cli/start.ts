import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { type Level, pino } from 'pino'
import { TlsConfigError, UsageError } from '../errors.js'
import { ensureFirstAdmin, hasAccounts } from '../firstAdmin.js'
import { countText } from '../http/schemas.js'
import { createServer } from '../server.js'
import { chainParts } from './chain.js'
import { openCliDatabase } from './database.js'
import { parse } from './parse.js'

export interface StartOptions {
  port: string
  host: string
  data: string
  rpc?: string
  deployment?: string
  confirmations: string
  operatorKeystore?: string
  settleInterval: string
  instanceRefresh: string
  instanceLapse?: string
  static?: string
  tlsCert?: string
  tlsKey?: string
  trustProxy?: boolean
  logLevel: string
}

export interface StartContext {
  env: NodeJS.ProcessEnv
  print(line: string): void
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
  stopSignal: Promise<unknown>
}

export function registerStartCommand(program: Command, context: StartContext): void {
  program
    .command('start')
    .description(
      'Runs the server: API, live stream, OCPP at ws://HOST:PORT/ocpp/ID (wss with TLS), and the chain indexer with --rpc',
    )
    .option('--port <n>', 'port to listen on', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--data <dir>', 'data folder of the embedded database (DATABASE_URL wins)', './data')
    .option('--rpc <url>', "the chain's JSON-RPC endpoint: runs the indexer (env CHARGECHAIN_RPC)")
    .option('--deployment <file>', 'the deployment manifest the indexer follows (env CHARGECHAIN_DEPLOYMENT)')
    .option('--confirmations <n>', 'rows from the newest N blocks show as pending', '12')
    .option(
      '--operator-keystore <file>',
      "the operator's keystore (password: env CHARGECHAIN_KEY_PASSWORD): settles its channels on chain (env CHARGECHAIN_OPERATOR_KEYSTORE)",
    )
    .option('--settle-interval <seconds>', 'settle every channel with a new voucher this often', '3600')
    .option('--instance-refresh <seconds>', 'tell the other instances this one is alive this often', '10')
    .option(
      '--instance-lapse <seconds>',
      'an instance silent this long counts as gone: its chargers are disconnected (3 refreshes by default; the same on every instance)',
    )
    .option('--static <dir>', "the dashboard's built files, served outside /api")
    .option(
      '--tls-cert <file>',
      'PEM certificate: https, and OCPP profile 2 over wss (env CHARGECHAIN_TLS_CERT)',
    )
    .option('--tls-key <file>', 'its PEM private key (env CHARGECHAIN_TLS_KEY)')
    .option('--trust-proxy', 'take the client address from X-Forwarded-For (behind a proxy only)')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .action((options: StartOptions) => start(options, context))
}

async function start(given: StartOptions, context: StartContext): Promise<void> {
  const options = withEnv(given, context.env)
  const port = parse(countText('--port', 0, 65_535), options.port, '--port')
  const confirmations = parse(
    countText('--confirmations', 0, 10_000),
    options.confirmations,
    '--confirmations',
  )
  const settleIntervalSeconds = parse(
    countText('--settle-interval', 1, 604_800),
    options.settleInterval,
    '--settle-interval',
  )
  const instanceRefreshSeconds = parse(
    countText('--instance-refresh', 1, 3600),
    options.instanceRefresh,
    '--instance-refresh',
  )
  const instanceLapseSeconds =
    options.instanceLapse === undefined
      ? 3 * instanceRefreshSeconds
      : parse(
          countText('--instance-lapse', instanceRefreshSeconds + 1, 3 * 3600),
          options.instanceLapse,
          '--instance-lapse',
        )
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined))
    throw new UsageError(
      'Give both --tls-cert and --tls-key (or CHARGECHAIN_TLS_CERT and CHARGECHAIN_TLS_KEY), or neither.',
    )
  if (!['debug', 'info', 'warn', 'error'].includes(options.logLevel))
    throw new UsageError('--log-level must be debug, info, warn or error.')
  const logger = pino({ level: options.logLevel as Level, base: { name: 'chargechain-server' } })
  const tls = options.tlsCert && options.tlsKey ? await readTls(options.tlsCert, options.tlsKey) : undefined

  const database = await openCliDatabase(options.data, context.env)
  try {
    const admin = await ensureFirstAdmin(database, { env: context.env, generate: false })
    const { indexer, verifyChannelVoucher, settler } = await chainParts(
      {
        rpc: options.rpc,
        deployment: options.deployment,
        confirmations,
        operatorKeystore: options.operatorKeystore,
        settleIntervalSeconds,
      },
      database,
      logger,
      context.env,
    )
    const server = await createServer({
      database,
      port,
      host: options.host,
      logger,
      ...(tls ? { tls } : {}),
      ...(indexer ? { indexer } : {}),
      ocpp: {
        instanceRefreshMs: instanceRefreshSeconds * 1000,
        instanceLapseMs: instanceLapseSeconds * 1000,
        ...(verifyChannelVoucher ? { verifyChannelVoucher } : {}),
      },
      ...(options.static === undefined ? {} : { staticDir: options.static }),
      ...(options.trustProxy ? { trustProxy: true } : {}),
    })
    context.print(
      `ChargeChain server at ${server.url} (API docs ${server.url}/api/docs; database ${database.location})`,
    )
    context.print(
      `OCPP 1.6J at ${server.url.replace(/^http/, 'ws')}/ocpp/ID (${tls ? 'profile 2, TLS' : 'profile 1'})`,
    )
    if (settler) {
      settler.settler.start()
      context.print(
        `Settling the channels of operator ${settler.operator} on chain every ${settler.intervalSeconds} s, and before each challenge period ends.`,
      )
    }
    if (admin) context.print(`Created the first admin, ${admin.username}, from CHARGECHAIN_ADMIN_PASSWORD.`)
    else if (!(await hasAccounts(database)))
      context.print(
        'No account yet: run `chargechain-server admin create` (or set CHARGECHAIN_ADMIN_PASSWORD) to sign in.',
      )
    await context.stopSignal
    context.print('Stopping…')
    await settler?.settler.stop()
    await server.close()
  } finally {
    await database.close()
  }
}

/** Flags win over their environment variables (an empty variable counts as unset). */
function withEnv(options: StartOptions, env: NodeJS.ProcessEnv): StartOptions {
  const variable = (name: string) => env[name] || undefined
  return {
    ...options,
    rpc: options.rpc ?? variable('CHARGECHAIN_RPC'),
    deployment: options.deployment ?? variable('CHARGECHAIN_DEPLOYMENT'),
    tlsCert: options.tlsCert ?? variable('CHARGECHAIN_TLS_CERT'),
    tlsKey: options.tlsKey ?? variable('CHARGECHAIN_TLS_KEY'),
    operatorKeystore: options.operatorKeystore ?? variable('CHARGECHAIN_OPERATOR_KEYSTORE'),
  }
}

async function readTls(certFile: string, keyFile: string) {
  try {
    return { cert: await readFile(certFile), key: await readFile(keyFile) }
  } catch (error) {
    throw new TlsConfigError(
      `Cannot read the TLS certificate or key (${certFile}, ${keyFile}); check the paths.`,
      {
        cause: error,
      },
    )
  }
}
