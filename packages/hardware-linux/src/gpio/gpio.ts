import type { BinaryOutput, Clock, DigitalInput } from '@chargechain/hardware'
import type { GpioLineLostError } from './errors.js'
import { startGpioGuard } from './guard.js'
import { type GpioLineContext, openGpioInput } from './input.js'
import { type GpioLine, type GpioLineInput, gpioLineSchema } from './line.js'
import { openGpioOutput } from './output.js'
import { checkGpioTools, type GpioToolsConfig, gpioTools } from './tools.js'

export interface OpenGpioOptions {
  clock: Clock
  tools?: GpioToolsConfig
  /** Environment for the tools (the fake tools of the tests read FAKE_GPIO_DIR from it). Default process.env. */
  env?: NodeJS.ProcessEnv
  /** Called once if a line's tool process dies under the agent (outputs are driven off first). */
  onLost?: (error: GpioLineLostError) => void
}

/** The Pi's GPIO lines through the libgpiod v2 tools, with the guard that switches outputs off if the agent dies. */
export interface Gpio {
  /** The tools' version, e.g. `v2.2.1`. */
  readonly version: string
  input(line: GpioLineInput, options: { debounceMs?: number; name: string }): Promise<DigitalInput>
  output(line: GpioLineInput, options: { name: string }): Promise<BinaryOutput>
  /** Closes every line opened here, outputs off, then ends the guard. */
  close(): Promise<void>
}

/** Checks the tools (libgpiod ≥ 2.1, else `GpioToolVersionError` saying what to install) and starts the guard. */
export async function openGpio(options: OpenGpioOptions): Promise<Gpio> {
  const tools = gpioTools(options.tools, options.env ?? process.env)
  const version = await checkGpioTools(tools)
  const guard = startGpioGuard(tools)
  let lostReported = false
  const context: GpioLineContext = {
    tools,
    guard,
    clock: options.clock,
    onLost(error) {
      if (lostReported) return
      lostReported = true
      options.onLost?.(error)
    },
  }
  const opened: Array<{ close(): Promise<void>; output: boolean }> = []
  const parse = (line: GpioLineInput): GpioLine => gpioLineSchema.parse(line)

  return {
    version,
    async input(line, { debounceMs = 0, name }) {
      const input = await openGpioInput(context, parse(line), { debounceMs, name })
      opened.push({ close: () => input.close(), output: false })
      return input
    },
    async output(line, { name }) {
      const output = await openGpioOutput(context, parse(line), { name })
      opened.push({ close: () => output.close(), output: true })
      return output
    },
    async close() {
      // Outputs first: the relay is off before anything else is let go.
      const outputs = opened.filter((line) => line.output)
      await Promise.allSettled(outputs.map((line) => line.close()))
      await Promise.allSettled(opened.filter((line) => !line.output).map((line) => line.close()))
      await guard.close()
    },
  }
}
