// The installer's commands: `pile-agent probe …` checks one device and prints what it read, its last line JSON;
// `pile-agent keygen FILE` makes the pile's agent key.
import { readFile } from 'node:fs/promises'
import { registerKeygenCommand } from '@chargechain/agent-main'
import {
  pileGpioSchema,
  probeGpio,
  probeHc05,
  probeMeter,
  probeStm32,
  runProbe,
} from '@chargechain/hardware-linux'
import { Command, InvalidArgumentError } from 'commander'

/** Whether the command line asks for a tool rather than the agent. */
export const isToolCommand = (argv: readonly string[]) => argv[2] === 'probe' || argv[2] === 'keygen'

const count = (name: string) => (value: string) => {
  const number = Number(value)
  if (!(Number.isFinite(number) && number >= 0))
    throw new InvalidArgumentError(`${name} must be a number ≥ 0.`)
  return number
}

/** The GPIO section of a pile-agent config file (or of a file holding just the hardware section). */
async function gpioSection(file: string) {
  const json = JSON.parse(await readFile(file, 'utf8')) as { hardware?: { gpio?: unknown }; gpio?: unknown }
  return pileGpioSchema.parse(json.hardware?.gpio ?? json.gpio)
}

export async function runPileTools(argv: readonly string[]): Promise<never> {
  const exit = (code: number) => process.exit(code)
  const program = new Command('pile-agent').description("The pile agent's installer tools.")
  program.exitOverride((error) => exit(error.exitCode === 0 ? 0 : 2))
  registerKeygenCommand(program)
  const probe = program
    .command('probe')
    .description('check one device; prints what it read, then one JSON line')
  probe
    .command('meter')
    .description('read the energy meter over Modbus RTU')
    .requiredOption('--port <path>', 'the RS-485 serial port, e.g. /dev/ttyAMA0')
    .requiredOption('--profile <profile>', 'ddsd1352, sdm120, sdm630, or a profile JSON file')
    .option('--baud <n>', "the meter's baud rate (default: the profile's)", count('--baud'))
    .option('--unit <n>', "the meter's slave address (default 1)", count('--unit'))
    .option('--count <n>', 'readings to take', count('--count'), 5)
    .action(async (options: { port: string; profile: string; baud?: number; unit?: number; count: number }) =>
      exit(
        await runProbe((print) =>
          probeMeter(
            {
              path: options.port,
              profile: options.profile,
              count: options.count,
              ...(options.baud === undefined ? {} : { baudRate: options.baud }),
              ...(options.unit === undefined ? {} : { unit: options.unit }),
            },
            print,
          ),
        ),
      ),
    )
  probe
    .command('stm32')
    .description('listen to the STM32 lower computer')
    .requiredOption('--port <path>', 'the serial port wired to the STM32, e.g. /dev/ttyAMA0')
    .option('--seconds <n>', 'how long to listen', count('--seconds'), 10)
    .action(async (options: { port: string; seconds: number }) =>
      exit(await runProbe((print) => probeStm32({ path: options.port, seconds: options.seconds }, print))),
    )
  probe
    .command('gpio')
    .description('show the sensors live and click the relay once')
    .requiredOption('--config <file>', 'the pile-agent config file (its hardware.gpio section)')
    .option('--seconds <n>', 'how long to show the inputs', count('--seconds'), 10)
    .action(async (options: { config: string; seconds: number }) =>
      exit(
        await runProbe(async (print) =>
          probeGpio({ gpio: await gpioSection(options.config), seconds: options.seconds }, print),
        ),
      ),
    )
  probe
    .command('link')
    .description('check that the HC-05 answers (in AT mode: EN high at power-up, 38400 baud)')
    .requiredOption('--port <path>', "the HC-05's serial port, e.g. /dev/ttyUSB0")
    .option('--baud <n>', 'baud rate of its command mode', count('--baud'), 38_400)
    .action(async (options: { port: string; baud: number }) =>
      exit(await runProbe((print) => probeHc05({ path: options.port, baudRate: options.baud }, print))),
    )
  await program.parseAsync([...argv])
  return exit(0)
}
