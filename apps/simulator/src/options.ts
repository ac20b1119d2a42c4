import { Command, InvalidArgumentError } from 'commander'
import { type LinkKind, parseLinkKind } from './links.js'

export interface SimulatorOptions {
  piles: number
  cars: number
  /** Simulated seconds per real second. */
  speed: number
  /** Real seconds to run before stopping by itself; run until Ctrl-C when unset. */
  duration: number | undefined
  link: LinkKind
  seed: number
  /** The management server's port; 0 picks a free one. */
  port: number
  quiet: boolean
}

const wholeNumber = (min: number, max: number) => (value: string) => {
  const number = Number(value)
  if (!(Number.isInteger(number) && number >= min && number <= max)) {
    throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`)
  }
  return number
}

const positive = (max: number) => (value: string) => {
  const number = Number(value)
  if (!(Number.isFinite(number) && number > 0 && number <= max)) {
    throw new InvalidArgumentError(`expected a number above 0, at most ${max}.`)
  }
  return number
}

const linkKind = (value: string) => {
  try {
    return parseLinkKind(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

/** The simulator's command line. Commander prints usage errors itself and exits with code 2 (set below). */
export function simulatorCommand(): Command {
  return new Command('chargechain-simulator')
    .description(
      'Start a dev chain, deploy ChargeChain, register a demo fleet of piles and cars, and let them charge and pay.',
    )
    .option('--piles <n>', 'piles in the fleet', wholeNumber(1, 1_000), 6)
    .option('--cars <n>', 'cars taking turns at them', wholeNumber(1, 5_000), 10)
    .option(
      '--speed <x>',
      'simulated time per real time (300 = five minutes a second)',
      positive(100_000),
      300,
    )
    .option(
      '--duration <s>',
      'stop after this many real seconds (default: run until Ctrl-C)',
      positive(86_400 * 365),
    )
    .option(
      '--link <kind>',
      'pile⇄car link: memory | throttled (9600 baud) | tcp',
      linkKind,
      'memory' as LinkKind,
    )
    .option('--seed <n>', 'seed of the fleet and its scenario', wholeNumber(0, 2 ** 31), 1)
    .option('--port <n>', "the management server's port (0: any free one)", wholeNumber(0, 65_535), 8080)
    .option('--quiet', 'print only the final summary', false)
    .exitOverride((error) => {
      if (error.exitCode === 0) process.exit(0)
      process.exit(2)
    })
}

export function parseSimulatorOptions(argv: readonly string[]): SimulatorOptions {
  const command = simulatorCommand().parse([...argv], { from: 'user' })
  return command.opts<SimulatorOptions>()
}
