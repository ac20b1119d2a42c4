// The installer's commands of an agent's main program: `<agent> keygen FILE` makes the agent's key, `<agent> probe …`
// checks one device and prints what it read, its last line JSON. Every agent has an HC-05 to probe (`probe link`);
// each adds its own devices to `probe`.
import { readFile } from 'node:fs/promises'
import { probeHc05, runProbe } from '@chargechain/hardware-linux'
import { Command, InvalidArgumentError } from 'commander'
import type { z } from 'zod'
import { registerKeygenCommand } from './keygen.js'

/** Whether the command line asks for a tool rather than the agent. */
export const isToolCommand = (argv: readonly string[]) => argv[2] === 'probe' || argv[2] === 'keygen'

/** Parses an option that must be a number ≥ 0; `name` is how the option is written (`--count`). */
export const nonNegativeNumber =
  (name: string) =>
  (value: string): number => {
    const number = Number(value)
    if (!(Number.isFinite(number) && number >= 0))
      throw new InvalidArgumentError(`${name} must be a number ≥ 0.`)
    return number
  }

/**
 * One section of an agent config file's `hardware` (`gpio`, `obd`) for a probe: from the whole config file, or from
 * a file holding just the hardware section.
 */
export async function readHardwareSection<Schema extends z.ZodType>(
  file: string,
  section: string,
  schema: Schema,
): Promise<z.output<Schema>> {
  const json: unknown = JSON.parse(await readFile(file, 'utf8'))
  const hardware = field(json, 'hardware')
  return schema.parse(field(hardware, section) ?? field(json, section))
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? Reflect.get(value, name) : undefined
}

export interface ToolProgram {
  /** `probe`: add one subcommand per device of this agent (`probe link` is there already). */
  readonly probe: Command
  /** Runs a probe as an action does: its lines, its JSON line, then the process exits with its code. */
  exitWithProbe(probe: Parameters<typeof runProbe>[0]): Promise<never>
  /** Parses the command line and runs the tool it names; exits 0 when done, 2 on a usage error. */
  run(argv: readonly string[]): Promise<never>
}

/** The tools program of the agent `name` (`pile-agent`), with `keygen` and `probe link`. */
export function createToolProgram(name: string, description: string): ToolProgram {
  const exit = (code: number): never => process.exit(code)
  const program = new Command(name).description(description)
  program.exitOverride((error) => exit(error.exitCode === 0 ? 0 : 2))
  registerKeygenCommand(program)
  const probe = program
    .command('probe')
    .description('check one device; prints what it read, then one JSON line')
  const exitWithProbe = async (run: Parameters<typeof runProbe>[0]) => exit(await runProbe(run))
  probe
    .command('link')
    .description('check that the HC-05 answers (in AT mode: EN high at power-up, 38400 baud)')
    .requiredOption('--port <path>', "the HC-05's serial port, e.g. /dev/ttyUSB0")
    .option('--baud <n>', 'baud rate of its command mode', nonNegativeNumber('--baud'), 38_400)
    .action((options: { port: string; baud: number }) =>
      exitWithProbe((print) => probeHc05({ path: options.port, baudRate: options.baud }, print)),
    )
  return {
    probe,
    exitWithProbe,
    async run(argv) {
      await program.parseAsync([...argv])
      return exit(0)
    },
  }
}
