#!/usr/bin/env -S node --import tsx
// The vehicle agent's process: config file → drivers, key, chain client, journal, link → the vehicle agent, until
// SIGINT or SIGTERM. Exit codes: 0 stopped by a signal, 1 a failure while running, 2 a configuration problem.
import { ConfigError, createLogger, openJournal } from '@chargechain/agent-core'
import { createChargeChainClient, loadSignerFromConfig } from '@chargechain/chain'
import { BaseError } from '@chargechain/errors'
import { createVehicleAgent, type VehicleSnapshot } from '@chargechain/vehicle'
import { Command } from 'commander'
import { loadVehicleAgentConfig } from './config.js'
import { openCarHardware } from './hardware.js'
import { openVehicleLink } from './link.js'
import { isConfigurationProblem } from './problems.js'

const program = new Command('chargechain-vehicle-agent')
  .description(
    "Runs the car's agent: proves the car to the pile, pays on chain, vouchers what its own meter confirms.",
  )
  .requiredOption('--config <file>', 'the agent config file (JSON)')
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse()

const fail = (error: unknown): never => {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`vehicle-agent: ${message}\n`)
  process.exit(isConfigurationProblem(error) ? 2 : 1)
}

const configPath = program.opts<{ config: string }>().config
const { config, deployment } = await loadVehicleAgentConfig(configPath).catch(fail)
const logger = createLogger({ name: 'vehicle-agent', level: config.log.level })
const rpcUrl = config.vehicle.chain.rpcUrl
if (!rpcUrl)
  fail(new ConfigError(configPath, 'vehicle.chain.rpcUrl is required to run the agent; add the node URL.'))

const stop = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping')
    stop.abort(new Error(`stopped by ${signal}`))
  })
}

const hardware = await openCarHardware(config.hardware).catch(fail)
const link = (() => {
  try {
    return openVehicleLink(config.link, logger)
  } catch (error) {
    return fail(error)
  }
})()
const cleanup: Array<() => Promise<void>> = [() => hardware.close()]
let exitCode = 0
try {
  const signer = await loadSignerFromConfig(config.key)
  const chain = createChargeChainClient({ deployment, rpcUrl: rpcUrl!, signer })
  const journal = await openJournal<VehicleSnapshot>(config.journal)
  cleanup.unshift(() => journal.close())

  logger.info({ vehicle: signer.address, source: signer.source }, 'vehicle agent starting')
  void hardware.lost.then((cause) => {
    if (stop.signal.aborted) return
    logger.error({ err: cause }, 'hardware connection lost; stopping')
    exitCode = 1
    stop.abort(cause)
  })
  const agent = createVehicleAgent({
    config: config.vehicle,
    hardware: hardware.devices,
    link,
    chain,
    journal,
    logger,
    clock: hardware.clock,
  })
  await agent.run(stop.signal)
} catch (error) {
  if (!(stop.signal.aborted && error === stop.signal.reason)) {
    logger.error({ err: error }, error instanceof BaseError ? error.shortMessage : 'vehicle agent failed')
    exitCode = isConfigurationProblem(error) ? 2 : 1
  }
} finally {
  for (const release of cleanup)
    await release().catch((error: unknown) => logger.warn({ err: error }, 'cleanup failed'))
  logger.info({ exitCode }, 'vehicle agent stopped')
}
process.exit(exitCode)
