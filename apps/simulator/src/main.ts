// `npm start`: a dev chain, ChargeChain deployed, the demo fleet registered, and the fleet charging until Ctrl-C (or
// --duration). Exit codes: 0 after a clean stop, 1 when setting up failed, 2 for bad options.
import { BaseError } from '@chargechain/errors'
import { startDevNet } from './devnet.js'
import { FleetSetupError } from './errors.js'
import { planFleet } from './fleet.js'
import { runFleet } from './fleetRunner.js'
import { type Management, startManagement } from './management.js'
import { parseSimulatorOptions } from './options.js'
import { createProgress, formatProgress, reportProgress } from './progress.js'
import { provisionFleet } from './provision.js'
import { connectPileReporter } from './reporting.js'

const options = parseSimulatorOptions(process.argv.slice(2))
const say = (line: string) => {
  if (!options.quiet) process.stdout.write(`${line}\n`)
}

const stop = new AbortController()
let interrupted = 0
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted++
    if (interrupted === 1) {
      say(`\n${signal}: stopping — sessions in progress finish or are cut safely…`)
      stop.abort(new Error(`stopped by ${signal}`))
    } else {
      say('Still stopping (anvil is being shut down); one moment.')
    }
  })
}
if (options.duration !== undefined) {
  setTimeout(() => stop.abort(new Error('duration reached')), options.duration * 1_000).unref()
}

let exitCode = 0
let management: Management | undefined
say('Starting the dev chain and deploying ChargeChain…')
const devnet = await startDevNet().catch((error: unknown) => {
  process.stderr.write(`simulator: ${(error as Error).message}\n`)
  process.exit(1)
})
try {
  const plan = planFleet({ piles: options.piles, cars: options.cars, seed: options.seed })
  say(
    `Dev chain at ${devnet.chain.rpcUrl} (chain ${devnet.chain.chainId}); registering ${plan.piles.length} piles and ${plan.cars.length} cars…`,
  )
  const fleet = await provisionFleet(devnet, plan)
  management = await startManagement({ devnet, plan, port: options.port, seed: options.seed })
  say(`Management server: ${management.url} — dashboard, API docs at ${management.url}/api/docs`)
  if (management.admin?.password)
    say(
      `  sign in as ${management.admin.username} with password ${management.admin.password} (printed only now)`,
    )
  const kinds = (kind: string) => plan.cars.filter((car) => car.kind === kind).length
  say(
    `Fleet ready: ${plan.operators.map((operator) => operator.name).join(', ')}; cars: ${kinds('escrow')} escrow, ${kinds('channel')} channel, ${kinds('owner')} owners'. ` +
      `Running at ${options.speed}× over ${options.link} links${options.duration ? ` for ${options.duration} s` : ''}; Ctrl-C stops.`,
  )
  const progress = createProgress()
  const reporter = options.quiet || stop.signal.aborted ? undefined : reportProgress(progress, process.stdout)
  const run = await runFleet({
    devnet,
    fleet,
    speed: options.speed,
    link: options.link,
    seed: options.seed,
    progress,
    signal: stop.signal,
    reporterFor: async (pile, logger) => {
      const credentials = management?.chargers.get(pile.dmid)
      if (!credentials)
        throw new FleetSetupError(`The management server has no OCPP credentials for ${pile.dmid}.`)
      return connectPileReporter(pile, credentials, logger)
    },
  })
  reporter?.stop()
  process.stdout.write(`Done: ${formatProgress(progress.snapshot())}\nAgent logs: ${run.logFile}\n`)
} catch (error) {
  if (!stop.signal.aborted) {
    process.stderr.write(`simulator: ${error instanceof BaseError ? error.message : String(error)}\n`)
    exitCode = 1
  }
} finally {
  // The vouchers the piles recorded on the server's ledger go on chain before the chain stops.
  await management
    ?.settleChannels()
    .catch((error: unknown) =>
      process.stderr.write(`simulator: settling channels failed: ${String(error)}\n`),
    )
  await management?.close()
  await devnet.stop()
}
process.exit(exitCode)
