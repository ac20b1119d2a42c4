// The installer's commands: `vehicle-agent probe …` checks one device and prints what it read, its last line JSON;
// `vehicle-agent keygen FILE` makes the car's key.
import { readFile } from 'node:fs/promises'
import { registerKeygenCommand } from '@chargechain/agent-main'
import {
  obdMapSchema,
  probeCan,
  probeHc05,
  runProbe,
  type SlcanBitrate,
  slcanBitrates,
} from '@chargechain/hardware-linux'
import { Command, InvalidArgumentError } from 'commander'

/** Whether the command line asks for a tool rather than the agent. */
export const isToolCommand = (argv: readonly string[]) => argv[2] === 'probe' || argv[2] === 'keygen'

const number = (name: string) => (value: string) => {
  const parsed = Number(value)
  if (!(Number.isFinite(parsed) && parsed >= 0))
    throw new InvalidArgumentError(`${name} must be a number ≥ 0.`)
  return parsed
}

const bitrate = (value: string): SlcanBitrate => {
  const rate = slcanBitrates.find((candidate) => candidate === Number(value))
  if (rate === undefined)
    throw new InvalidArgumentError(`--bitrate must be one of ${slcanBitrates.join(', ')}.`)
  return rate
}

/** The OBD PID map of a vehicle-agent config file (or of a file holding just the hardware section). */
async function obdMap(file: string) {
  const json = JSON.parse(await readFile(file, 'utf8')) as { hardware?: { obd?: unknown }; obd?: unknown }
  return obdMapSchema.parse(json.hardware?.obd ?? json.obd)
}

export async function runVehicleTools(argv: readonly string[]): Promise<never> {
  const exit = (code: number) => process.exit(code)
  const program = new Command('vehicle-agent').description("The vehicle agent's installer tools.")
  program.exitOverride((error) => exit(error.exitCode === 0 ? 0 : 2))
  registerKeygenCommand(program)
  const probe = program
    .command('probe')
    .description('check one device; prints what it read, then one JSON line')
  probe
    .command('can')
    .description(
      "read the car's CAN side: the standard state-of-charge PID, the config's PID map, frames seen",
    )
    .option('--port <path>', 'an slcan adapter (CANable, USBtin) on this serial port')
    .option('--interface <name>', 'a SocketCAN interface, e.g. can0')
    .option('--bitrate <n>', 'CAN bit rate for the slcan adapter', bitrate, 500_000)
    .option('--config <file>', 'a vehicle-agent config file whose hardware.obd map to read')
    .option('--seconds <n>', 'how long to count frames', number('--seconds'), 2)
    .action(
      async (options: {
        port?: string
        interface?: string
        bitrate: SlcanBitrate
        config?: string
        seconds: number
      }) => {
        if ((options.port === undefined) === (options.interface === undefined)) {
          process.stderr.write(
            'probe can: give either --port PATH (slcan) or --interface NAME (SocketCAN).\n',
          )
          return exit(2)
        }
        exit(
          await runProbe(async (print) => {
            const map = options.config ? await obdMap(options.config) : undefined
            const bus = options.port
              ? { port: options.port, bitrate: options.bitrate }
              : { interface: options.interface ?? '' }
            return probeCan({ ...bus, seconds: options.seconds, ...(map ? { map } : {}) }, print)
          }),
        )
      },
    )
  probe
    .command('link')
    .description('check that the HC-05 answers (in AT mode: EN high at power-up, 38400 baud)')
    .requiredOption('--port <path>', "the HC-05's serial port, e.g. /dev/ttyUSB0")
    .option('--baud <n>', 'baud rate of its command mode', number('--baud'), 38_400)
    .action(async (options: { port: string; baud: number }) =>
      exit(await runProbe((print) => probeHc05({ path: options.port, baudRate: options.baud }, print))),
    )
  await program.parseAsync([...argv])
  return exit(0)
}
