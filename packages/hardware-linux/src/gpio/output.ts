import { type BinaryOutput, HardwareClosedError } from '@chargechain/hardware'
import { GpioLineLostError } from './errors.js'
import type { GpioLineContext } from './input.js'
import { describeLine, type GpioLine, lineId, lineOptions } from './line.js'
import { type LineHolder, startHolder } from './process.js'
import { runGpioTool } from './tools.js'

/**
 * An output on one GPIO line (relay, HC-05 power, a light), held by a gpioset process at its value.
 *
 * - Opens off. `set(on)` replaces the holder by one at the new value and resolves once the kernel granted it.
 * - `isOn()` reads back the value the line is requested at; while a process holds a line the kernel lets no other
 *   read it, so the live holder is the readback.
 * - If the holder dies, the line is driven off at once (`gpioset -t0 … =0`), `set` and `isOn` reject with
 *   `GpioLineLostError` from then on, and `onLost` tells the agent.
 * - `close()` drives the line off and releases it (a released line keeps its level on a Pi).
 * - The guard drives it off too if the agent dies without closing.
 */
export async function openGpioOutput(
  context: GpioLineContext,
  line: GpioLine,
  options: { name: string },
): Promise<BinaryOutput> {
  const { tools, guard } = context
  const lineArgs = lineOptions(line)
  const offArgs = [...lineArgs, `${lineId(line)}=0`]
  const label = `${options.name} (${describeLine(line)})`
  guard.offAtEnd(offArgs)

  let closed = false
  let lost: GpioLineLostError | undefined
  let holder: { process: LineHolder; on: boolean } | undefined
  let queue: Promise<unknown> = Promise.resolve()

  const driveOffAndRelease = () => runGpioTool(tools, tools.gpioset, ['-t0', ...offArgs])

  const hold = async (on: boolean) => {
    const previous = holder
    holder = undefined
    if (previous) {
      await previous.process.stop()
      guard.release(previous.process.pid)
    }
    const tool = await startHolder(tools, tools.gpioset, [...lineArgs, `${lineId(line)}=${on ? 1 : 0}`])
    guard.hold(tool.pid)
    const current = { process: tool, on }
    holder = current
    void tool.exited.then(async () => {
      if (holder !== current || closed) return
      holder = undefined
      const error = new GpioLineLostError(
        `gpioset holding the ${label} ended; the line was driven off. Restart the agent.`,
      )
      lost = error
      guard.release(tool.pid)
      await driveOffAndRelease().catch(() => {})
      context.onLost(error)
    })
  }

  /** One change at a time, in order. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task, task)
    queue = result.catch(() => {})
    return result
  }
  const usable = () => {
    if (closed) throw new HardwareClosedError(label)
    if (lost) throw lost
  }

  await hold(false)

  return {
    set: (on) =>
      serial(async () => {
        usable()
        if (holder?.on !== on) await hold(on)
      }),
    async isOn() {
      usable()
      await queue
      usable()
      return holder?.on ?? false
    },
    async close() {
      if (closed) return
      closed = true
      await queue
      const last = holder
      holder = undefined
      if (last) {
        await last.process.stop()
        guard.release(last.process.pid)
      }
      await driveOffAndRelease()
    },
  }
}
