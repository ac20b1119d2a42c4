#!/usr/bin/env -S node --import tsx
// The pile agent's process: config file → drivers, key, chain client, journal, link → the pile agent, until SIGINT or
// SIGTERM. Exit codes: 0 stopped by a signal, 1 a failure while running or a Hard reset from the management server
// (systemd restarts it), 2 a configuration problem.
import { ConfigError } from '@chargechain/agent-core'
import { isToolCommand, runAgentMain, startSystemdWatchdog } from '@chargechain/agent-main'
import { createChargeChainClient, loadSignerFromConfig } from '@chargechain/chain'
import { GpioToolMissingError, GpioToolVersionError, MeterProfileError } from '@chargechain/hardware-linux'
import { OcppOptionsError } from '@chargechain/ocpp'
import { PileAgentOptionError, pileJournal } from '@chargechain/pile'
import { openChannelLedger } from './channels.js'
import { loadPileAgentConfig } from './config.js'
import { ManagementConfigError } from './errors.js'
import { openPileHardware } from './hardware.js'
import { openPileLink } from './link.js'
import { connectManagement } from './management.js'
import { runPileService } from './service.js'
import { runPileTools } from './tools.js'

if (isToolCommand(process.argv)) await runPileTools(process.argv)

await runAgentMain({
  name: 'pile-agent',
  command: 'pile-agent',
  description:
    'Runs the charging pile agent: authenticates cars, takes payment on chain, switches the relay. Installer tools: pile-agent probe meter|stm32|gpio|link, pile-agent keygen FILE.',
  configurationErrors: [
    PileAgentOptionError,
    GpioToolMissingError,
    GpioToolVersionError,
    MeterProfileError,
    ManagementConfigError,
    OcppOptionsError,
  ],
  loadConfig: loadPileAgentConfig,
  logLevel: ({ config }) => config.log.level,
  async setup({ config }, { configPath, defer }) {
    const rpcUrl = config.pile.chain.rpcUrl
    if (!rpcUrl)
      throw new ConfigError(configPath, 'pile.chain.rpcUrl is required to run the agent; add the node URL.')
    const hardware = await openPileHardware(config.hardware)
    // Released last; the agent already cut the relay on abort.
    defer(() => hardware.close())
    // Under systemd with WatchdogSec=: a hung event loop stops the pings and gets the agent restarted.
    const stopWatchdog = startSystemdWatchdog()
    defer(async () => stopWatchdog())
    return { rpcUrl, hardware }
  },
  async run(
    { config, deployment },
    { rpcUrl, hardware },
    { logger, signal, defer, openJournal, stopWhenLost },
  ) {
    const signer = await loadSignerFromConfig(config.key)
    const chain = createChargeChainClient({ deployment, rpcUrl, signer })
    const journal = await openJournal(config.journal, pileJournal)
    // On the Pi's own drivers the HC-05's STATE line says when a car's module has paired.
    const linkStatus = config.hardware.driver === 'linux' ? hardware.devices.linkStatus : undefined
    const link = await openPileLink(config.link, logger, linkStatus)
    defer(() => link.close())
    const { management } = config
    const channelLedger = config.channels
      ? await openChannelLedger(config.channels, config.pile.channelSettle, deployment, rpcUrl)
      : undefined
    if (channelLedger) defer(() => channelLedger.close())

    logger.info(
      { pileId: config.pile.pileId, agent: signer.address, source: signer.source },
      'pile agent starting',
    )
    stopWhenLost(hardware.lost)
    await runPileService(
      {
        agent: {
          config: config.pile,
          hardware: hardware.devices,
          link,
          chain,
          journal,
          logger,
          clock: hardware.clock,
        },
        ...(channelLedger ? { channelLedger } : {}),
        ...(management ? { connectManagement: () => connectManagement(management, logger) } : {}),
        logger,
      },
      signal,
    )
  },
})
