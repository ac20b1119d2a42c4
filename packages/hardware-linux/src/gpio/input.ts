import { type Clock, createDebouncedInput, type DigitalInput } from '@chargechain/hardware'
import { GpioLineLostError, GpioToolError } from './errors.js'
import type { GpioGuard } from './guard.js'
import { describeLine, type GpioLine, lineId, lineOptions } from './line.js'
import { startHolder } from './process.js'
import { type GpioTools, runGpioTool } from './tools.js'

export interface GpioLineContext {
  tools: GpioTools
  guard: GpioGuard
  clock: Clock
  /** Called once if a line's tool dies under the agent. */
  onLost(error: GpioLineLostError): void
}

/** Parses gpioget's answer: `"22"=active`, `22=inactive`, or `1` / `0` with --numeric. */
export function parseGpiogetValue(output: string): boolean {
  const text = output.trim()
  const named = /=(active|inactive)$/.exec(text)
  if (named) return named[1] === 'active'
  if (text === '1' || text === '0') return text === '1'
  throw new GpioToolError(
    `gpioget printed ${JSON.stringify(text)}, which is no line value; is it libgpiod v2?`,
  )
}

/** gpiomon's `-F '%e %s %n'`: 1 = rising (to active), then the CLOCK_MONOTONIC seconds and nanoseconds. */
const eventLine = /^([01]) (\d+) (\d+)$/

const monotonicMs = () => Number(process.hrtime.bigint() / 1000n) / 1000

/**
 * A debounced input on one GPIO line. Reads its level with gpioget, then follows it with a gpiomon that the guard
 * kills if the agent dies. Each edge is stamped with the kernel's timestamp (CLOCK_MONOTONIC, the clock Node's hrtime
 * reads), mapped onto the agent's clock. An edge in the moment between gpioget and gpiomon is not lost for long: every
 * event says which way the line went, so the next one sets the level right.
 */
export async function openGpioInput(
  context: GpioLineContext,
  line: GpioLine,
  options: { debounceMs: number; name: string },
): Promise<DigitalInput> {
  const { tools, guard, clock } = context
  const args = [...lineOptions(line), lineId(line)]
  const initial = parseGpiogetValue(await runGpioTool(tools, tools.gpioget, args))
  const debounced = createDebouncedInput({
    clock,
    debounceMs: options.debounceMs,
    initial,
    name: options.name,
  })
  const monitor = await startHolder(tools, tools.gpiomon, ['-F', '%e %s %n', ...args])
  guard.hold(monitor.pid)
  let closing = false

  monitor.onLine((text) => {
    const event = eventLine.exec(text)
    if (!event) return
    const eventMs = Number(event[2]) * 1000 + Number(event[3]) / 1e6
    const at = clock.now() - Math.max(0, monotonicMs() - eventMs)
    debounced.feed(event[1] === '1', at)
  })
  void monitor.exited.then(() => {
    if (closing) return
    context.onLost(
      new GpioLineLostError(
        `gpiomon for the ${options.name} (${describeLine(line)}) ended; restart the agent.`,
      ),
    )
  })

  return {
    debounceMs: debounced.input.debounceMs,
    current: () => debounced.input.current(),
    onEdge: (listener) => debounced.input.onEdge(listener),
    async close() {
      if (closing) return
      closing = true
      await debounced.input.close()
      await monitor.stop()
      guard.release(monitor.pid)
    },
  }
}
