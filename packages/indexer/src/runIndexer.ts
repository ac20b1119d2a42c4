import { parseArgs } from 'node:util'
import { readDeployment } from '@chargechain/chain'
import { databaseConfigFromEnv, openDatabase } from '@chargechain/db'
import { type Level, pino } from 'pino'
import { createClient, http } from 'viem'
import { createIndexer } from './createIndexer.js'

export interface RunIndexerOptions {
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM by default). */
  stopSignal?: Promise<unknown>
}

const usage = `chargechain-indexer --rpc-url URL --deployment FILE [options]

Follows the ChargeChain contracts of a deployment into the management system's database: PostgreSQL when
DATABASE_URL is set, else PGlite in --data.

  --rpc-url URL           the chain's JSON-RPC endpoint (or CHARGECHAIN_RPC_URL)
  --deployment FILE       the deployment manifest (or CHARGECHAIN_DEPLOYMENT)
  --data DIR              PGlite data folder (default ./data/db)
  --confirmations N       rows from the newest N blocks are pending (default 12)
  --finality-depth N      the deepest reorg undone (default: confirmations)
  --max-block-range N     blocks per eth_getLogs at most (default 5000)
  --poll-interval-ms N    how often to look for new blocks (default 2000)
  --until-head            exit once caught up with the head instead of following
  --log-level LEVEL       debug, info (default), warn, error`

/**
 * The indexer as a process: JSON log lines on stdout, exit code 0 when stopped or caught up (`--until-head`), 1 when
 * halted by an error, 2 on bad arguments.
 */
export async function runIndexer(options: RunIndexerOptions): Promise<number> {
  const { env } = options
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...options.argv],
      options: {
        'rpc-url': { type: 'string' },
        deployment: { type: 'string' },
        data: { type: 'string', default: './data/db' },
        confirmations: { type: 'string', default: '12' },
        'finality-depth': { type: 'string' },
        'max-block-range': { type: 'string' },
        'poll-interval-ms': { type: 'string' },
        'until-head': { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', default: false },
      },
    }).values
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`)
    return 2
  }
  const rpcUrl = stringOf(values['rpc-url']) ?? env.CHARGECHAIN_RPC_URL
  const deploymentPath = stringOf(values.deployment) ?? env.CHARGECHAIN_DEPLOYMENT
  if (values.help || !rpcUrl || !deploymentPath) {
    process.stderr.write(`${usage}\n`)
    return values.help ? 0 : 2
  }
  const whole = (name: string): number | undefined => {
    const text = stringOf(values[name])
    return text === undefined ? undefined : Number(text)
  }
  const logger = pino({
    name: 'indexer',
    level: stringOf(values['log-level']) as Level,
    base: { name: 'indexer', pid: process.pid },
  })
  const database = await openDatabase(databaseConfigFromEnv(stringOf(values.data) ?? './data/db', env))
  try {
    const deployment = await readDeployment(deploymentPath)
    const finalityDepth = whole('finality-depth')
    const maxBlockRange = whole('max-block-range')
    const pollIntervalMs = whole('poll-interval-ms')
    const indexer = createIndexer({
      database,
      client: createClient({ transport: http(rpcUrl) }),
      deployment,
      confirmations: whole('confirmations') ?? 12,
      ...(finalityDepth === undefined ? {} : { finalityDepth }),
      ...(maxBlockRange === undefined ? {} : { maxBlockRange }),
      ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
      logger,
    })
    logger.info({ database: database.location, rpcUrl, chainId: deployment.chainId }, 'indexer starting')
    if (values['until-head']) {
      const synced = await indexer.syncOnce()
      logger.info(synced, 'caught up with the head')
      return 0
    }
    await indexer.start()
    const stopSignal = options.stopSignal ?? signalled()
    const outcome = await Promise.race([indexer.done.then(() => 'done'), stopSignal.then(() => 'signal')])
    if (outcome === 'signal') await indexer.stop()
    logger.info('indexer stopped')
    return 0
  } catch (error) {
    logger.error({ err: error }, 'indexer halted')
    return 1
  } finally {
    await database.close()
  }
}

function stringOf(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal))
  })
}
