import {
  createLogger,
  type Journal,
  type JournalSchema,
  type Logger,
  openJournal,
} from '@chargechain/agent-core'
import { BaseError } from '@chargechain/errors'
import { Command } from 'commander'
import type { Level } from 'pino'
import { type ErrorClass, isConfigurationProblem } from './problems.js'

export interface AgentMainContext {
  /** The `--config` file as given. */
  readonly configPath: string
  readonly logger: Logger
  /** Aborted by SIGINT or SIGTERM, or when hardware watched with `stopWhenLost` goes away. */
  readonly signal: AbortSignal
  /** Registers a release for the way out; the last registered runs first, each even if another fails. */
  defer(release: () => Promise<void>): void
  /** Opens the crash-safe journal with the agent's schema and closes it on the way out. */
  openJournal<Value>(path: string, schema: JournalSchema<Value>): Promise<Journal<Value>>
  /** Stops the agent, exiting 1, if `lost` resolves first (the hardware server ended under the agent). */
  stopWhenLost(lost: Promise<unknown>): void
}

export interface AgentMainOptions<Config, Parts> {
  /** The logger's name and the prefix of stderr messages, e.g. `pile-agent`; log messages read `pile agent …`. */
  name: string
  /** The executable's name in the usage text, e.g. `chargechain-pile-agent`. */
  command: string
  description: string
  /** Classes of the agent's own errors that are configuration problems (exit 2), beyond the shared ones. */
  configurationErrors?: readonly ErrorClass[]
  /** Reads and validates the `--config` file. */
  loadConfig(path: string): Promise<Config>
  /** The level the config asks the JSON logs to be written at. */
  logLevel(config: Config): Level
  /** Checks what the schema cannot and opens the drivers; a failure is printed to stderr and ends the process. */
  setup(config: Config, context: AgentMainContext): Promise<Parts>
  /** Runs the agent until `context.signal` aborts; a failure is logged. */
  run(config: Config, parts: Parts, context: AgentMainContext): Promise<void>
}

/**
 * An agent's process: `--config <file>` → config → JSON logs → setup → run, until SIGINT or SIGTERM, then every
 * deferred release. Exit codes: 0 stopped by a signal, 1 a failure while running, 2 a configuration problem (a bad
 * command line included). Never returns: it ends the process.
 */
export async function runAgentMain<Config, Parts>(options: AgentMainOptions<Config, Parts>): Promise<never> {
  const { name, configurationErrors = [] } = options
  const label = name.replaceAll('-', ' ')
  const exitCodeOf = (error: unknown) => (isConfigurationProblem(error, configurationErrors) ? 2 : 1)

  const program = new Command(options.command)
    .description(options.description)
    .requiredOption('--config <file>', 'the agent config file (JSON)')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .parse()

  const fail = (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`${name}: ${message}\n`)
    process.exit(exitCodeOf(error))
  }

  const configPath = program.opts<{ config: string }>().config
  const config = await options.loadConfig(configPath).catch(fail)
  const logger = createLogger({ name, level: options.logLevel(config) })

  const stop = new AbortController()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping')
      stop.abort(new Error(`stopped by ${signal}`))
    })
  }

  const releases: Array<() => Promise<void>> = []
  let exitCode = 0
  const context: AgentMainContext = {
    configPath,
    logger,
    signal: stop.signal,
    defer: (release) => void releases.unshift(release),
    openJournal: async (path, schema) => {
      const journal = await openJournal(path, schema)
      releases.unshift(() => journal.close())
      return journal
    },
    stopWhenLost: (lost) =>
      void lost.then((cause) => {
        if (stop.signal.aborted) return
        logger.error({ err: cause }, 'hardware connection lost; stopping')
        exitCode = 1
        stop.abort(cause)
      }),
  }

  const parts = await options.setup(config, context).catch(fail)
  try {
    await options.run(config, parts, context)
  } catch (error) {
    if (!(stop.signal.aborted && error === stop.signal.reason)) {
      logger.error({ err: error }, error instanceof BaseError ? error.shortMessage : `${label} failed`)
      exitCode = exitCodeOf(error)
    }
  } finally {
    for (const release of releases)
      await release().catch((error: unknown) => logger.warn({ err: error }, 'cleanup failed'))
    logger.info({ exitCode }, `${label} stopped`)
  }
  return process.exit(exitCode)
}
