#!/usr/bin/env -S node --import tsx
// The vehicle agent's process: config file → drivers, key, chain client, journal, link → the vehicle agent, until
// SIGINT or SIGTERM. Exit codes: 0 stopped by a signal, 1 a failure while running, 2 a configuration problem.
import { ConfigError } from '@chargechain/agent-core'
import { isToolCommand, runAgentMain, startSystemdWatchdog } from '@chargechain/agent-main'
import { createChargeChainClient, loadSignerFromConfig } from '@chargechain/chain'
import {
  GpioToolMissingError,
  GpioToolVersionError,
  SocketCanUnavailableError,
} from '@chargechain/hardware-linux'
import { createVehicleAgent, VehicleAgentOptionError, vehicleJournal } from '@chargechain/vehicle'
import { loadVehicleAgentConfig } from './config.js'
import { openCarHardware } from './hardware.js'
import { openVehicleLink } from './link.js'
import { runVehicleTools } from './tools.js'

if (isToolCommand(process.argv)) await runVehicleTools(process.argv)

await runAgentMain({
  name: 'vehicle-agent',
  command: 'vehicle-agent',
  description:
    "Runs the car's agent: proves the car to the pile, pays on chain, vouchers what its own meter confirms. Installer tools: vehicle-agent probe can|link, vehicle-agent keygen FILE.",
  configurationErrors: [
    VehicleAgentOptionError,
    GpioToolMissingError,
    GpioToolVersionError,
    SocketCanUnavailableError,
  ],
  loadConfig: loadVehicleAgentConfig,
  logLevel: ({ config }) => config.log.level,
  async setup({ config }, { configPath, logger, defer }) {
    const rpcUrl = config.vehicle.chain.rpcUrl
    if (!rpcUrl)
      throw new ConfigError(
        configPath,
        'vehicle.chain.rpcUrl is required to run the agent; add the node URL.',
      )
    const hardware = await openCarHardware(config.hardware)
    const link = openVehicleLink(config.link, logger)
    defer(() => hardware.close())
    // Under systemd with WatchdogSec=: a hung event loop stops the pings and gets the agent restarted.
    const stopWatchdog = startSystemdWatchdog()
    defer(async () => stopWatchdog())
    return { rpcUrl, hardware, link }
  },
  async run(
    { config, deployment },
    { rpcUrl, hardware, link },
    { logger, signal, openJournal, stopWhenLost },
  ) {
    const signer = await loadSignerFromConfig(config.key)
    const chain = createChargeChainClient({ deployment, rpcUrl, signer })
    const journal = await openJournal(config.journal, vehicleJournal)

    logger.info({ vehicle: signer.address, source: signer.source }, 'vehicle agent starting')
    stopWhenLost(hardware.lost)
    const agent = createVehicleAgent({
      config: config.vehicle,
      hardware: hardware.devices,
      link,
      chain,
      journal,
      logger,
      clock: hardware.clock,
    })
    await agent.run(signal)
  },
})
