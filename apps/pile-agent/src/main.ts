#!/usr/bin/env -S node --import tsx
// The pile agent's process: config file → drivers, key, chain client, journal, link → the pile agent, until SIGINT or
// SIGTERM. Exit codes: 0 stopped by a signal, 1 a failure while running, 2 a configuration problem.
import { ConfigError, createLogger, openJournal } from '@chargechain/agent-core'
import { createChargeChainClient, loadSignerFromConfig } from '@chargechain/chain'
import { BaseError } from '@chargechain/errors'
import { createPileAgent, type PileSnapshot } from '@chargechain/pile'
import { Command } from 'commander'
import { openChannelLedger } from './channels.js'
import { loadPileAgentConfig } from './config.js'
import { openPileHardware } from './hardware.js'
import { openPileLink } from './link.js'
import { isConfigurationProblem } from './problems.js'

const program = new Command('chargechain-pile-agent')
  .description(
    'Runs the charging pile agent: authenticates cars, takes payment on chain, switches the relay.',
  )
  .requiredOption('--config <file>', 'the agent config file (JSON)')
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse()

const fail = (error: unknown): never => {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`pile-agent: ${message}\n`)
  process.exit(isConfigurationProblem(error) ? 2 : 1)
}

const configPath = program.opts<{ config: string }>().config
const { config, deployment } = await loadPileAgentConfig(configPath).catch(fail)
const logger = createLogger({ name: 'pile-agent', level: config.log.level })
const rpcUrl = config.pile.chain.rpcUrl
if (!rpcUrl)
  fail(new ConfigError(configPath, 'pile.chain.rpcUrl is required to run the agent; add the node URL.'))

const stop = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping')
    stop.abort(new Error(`stopped by ${signal}`))
  })
}

const hardware = await openPileHardware(config.hardware).catch(fail)
const cleanup: Array<() => Promise<void>> = [() => hardware.close()]
let exitCode = 0
try {
  const signer = await loadSignerFromConfig(config.key)
  const chain = createChargeChainClient({ deployment, rpcUrl: rpcUrl!, signer })
  const journal = await openJournal<PileSnapshot>(config.journal)
  cleanup.unshift(() => journal.close())
  const link = await openPileLink(config.link, logger)
  cleanup.unshift(() => link.close())
  const channelLedger = config.channels
    ? await openChannelLedger(config.channels, config.pile.channelSettle, deployment, rpcUrl!)
    : undefined
  if (channelLedger) cleanup.unshift(() => channelLedger.close())

  logger.info(
    { pileId: config.pile.pileId, agent: signer.address, source: signer.source },
    'pile agent starting',
  )
  void hardware.lost.then((cause) => {
    if (stop.signal.aborted) return
    logger.error({ err: cause }, 'hardware connection lost; stopping')
    exitCode = 1
    stop.abort(cause)
  })
  const agent = createPileAgent({
    config: config.pile,
    hardware: hardware.devices,
    link,
    chain,
    journal,
    logger,
    clock: hardware.clock,
    ...(channelLedger ? { channelLedger } : {}),
  })
  await agent.run(stop.signal)
} catch (error) {
  if (!(stop.signal.aborted && error === stop.signal.reason)) {
    logger.error({ err: error }, error instanceof BaseError ? error.shortMessage : 'pile agent failed')
    exitCode = isConfigurationProblem(error) ? 2 : 1
  }
} finally {
  // The relay goes off first (hardware.close is last in the list but the agent already cut it on abort).
  for (const release of cleanup)
    await release().catch((error: unknown) => logger.warn({ err: error }, 'cleanup failed'))
  logger.info({ exitCode }, 'pile agent stopped')
}
process.exit(exitCode)
