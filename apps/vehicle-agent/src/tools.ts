// The installer's commands: `vehicle-agent probe …` checks one device and prints what it read, its last line JSON;
// `vehicle-agent keygen FILE` makes the car's key. The program and `probe link` are agent-main's.
import { createToolProgram, nonNegativeNumber, readHardwareSection } from '@chargechain/agent-main'
import { obdMapSchema, probeCan, type SlcanBitrate, slcanBitrates } from '@chargechain/hardware-linux'
import { InvalidArgumentError } from 'commander'

const bitrate = (value: string): SlcanBitrate => {
  const rate = slcanBitrates.find((candidate) => candidate === Number(value))
  if (rate === undefined)
    throw new InvalidArgumentError(`--bitrate must be one of ${slcanBitrates.join(', ')}.`)
  return rate
}

export async function runVehicleTools(argv: readonly string[]): Promise<never> {
  const { probe, exitWithProbe, run } = createToolProgram(
    'vehicle-agent',
    "The vehicle agent's installer tools.",
  )
  probe
    .command('can')
    .description(
      "read the car's CAN side: the standard state-of-charge PID, the config's PID map, frames seen",
    )
    .option('--port <path>', 'an slcan adapter (CANable, USBtin) on this serial port')
    .option('--interface <name>', 'a SocketCAN interface, e.g. can0')
    .option('--bitrate <n>', 'CAN bit rate for the slcan adapter', bitrate, 500_000)
    .option('--config <file>', 'a vehicle-agent config file whose hardware.obd map to read')
    .option('--seconds <n>', 'how long to count frames', nonNegativeNumber('--seconds'), 2)
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
          return process.exit(2)
        }
        return exitWithProbe(async (print) => {
          const map = options.config
            ? await readHardwareSection(options.config, 'obd', obdMapSchema)
            : undefined
          const bus = options.port
            ? { port: options.port, bitrate: options.bitrate }
            : { interface: options.interface ?? '' }
          return probeCan({ ...bus, seconds: options.seconds, ...(map ? { map } : {}) }, print)
        })
      },
    )
  return run(argv)
}
