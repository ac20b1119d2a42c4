// The installer's commands: `pile-agent probe …` checks one device and prints what it read, its last line JSON;
// `pile-agent keygen FILE` makes the pile's agent key. The program and `probe link` are agent-main's.
import { createToolProgram, nonNegativeNumber, readHardwareSection } from '@chargechain/agent-main'
import { pileGpioSchema, probeGpio, probeMeter, probeStm32 } from '@chargechain/hardware-linux'

export async function runPileTools(argv: readonly string[]): Promise<never> {
  const { probe, exitWithProbe, run } = createToolProgram('pile-agent', "The pile agent's installer tools.")
  probe
    .command('meter')
    .description('read the energy meter over Modbus RTU')
    .requiredOption('--port <path>', 'the RS-485 serial port, e.g. /dev/ttyAMA0')
    .requiredOption('--profile <profile>', 'ddsd1352, sdm120, sdm630, or a profile JSON file')
    .option('--baud <n>', "the meter's baud rate (default: the profile's)", nonNegativeNumber('--baud'))
    .option('--unit <n>', "the meter's slave address (default 1)", nonNegativeNumber('--unit'))
    .option('--count <n>', 'readings to take', nonNegativeNumber('--count'), 5)
    .action((options: { port: string; profile: string; baud?: number; unit?: number; count: number }) =>
      exitWithProbe((print) =>
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
    )
  probe
    .command('stm32')
    .description('listen to the STM32 lower computer')
    .requiredOption('--port <path>', 'the serial port wired to the STM32, e.g. /dev/ttyAMA0')
    .option('--seconds <n>', 'how long to listen', nonNegativeNumber('--seconds'), 10)
    .action((options: { port: string; seconds: number }) =>
      exitWithProbe((print) => probeStm32({ path: options.port, seconds: options.seconds }, print)),
    )
  probe
    .command('gpio')
    .description('show the sensors live and click the relay once')
    .requiredOption('--config <file>', 'the pile-agent config file (its hardware.gpio section)')
    .option('--seconds <n>', 'how long to show the inputs', nonNegativeNumber('--seconds'), 10)
    .action((options: { config: string; seconds: number }) =>
      exitWithProbe(async (print) =>
        probeGpio(
          {
            gpio: await readHardwareSection(options.config, 'gpio', pileGpioSchema),
            seconds: options.seconds,
          },
          print,
        ),
      ),
    )
  return run(argv)
}
