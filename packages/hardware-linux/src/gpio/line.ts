import { z } from 'zod'

// Chip and line ids go to the tools as separate arguments and to the relay guard as words: no spaces or quotes.
const word = z.string().regex(/^[\w.:/-]+$/, 'letters, digits and . : / - _ only')

/** One GPIO line as the config names it. */
export const gpioLineSchema = z.strictObject({
  /** `gpiochip0`, `0`, or a chip path; default `gpiochip0` (the 40-pin header on a Pi 3B+/4/5 with a recent kernel). */
  chip: z.union([word, z.number().int().min(0)]).default('gpiochip0'),
  /** The line's offset on the chip (= BCM number on the Pi's header), or its name (`GPIO22`). */
  line: z.union([z.number().int().min(0), word]),
  /** The device is on when the pin is low (a relay board with an inverting driver, a button to ground). */
  activeLow: z.boolean().default(false),
  bias: z.enum(['as-is', 'disabled', 'pull-up', 'pull-down']).optional(),
})

export type GpioLineInput = z.input<typeof gpioLineSchema>
export type GpioLine = z.output<typeof gpioLineSchema>

/** The tools' options selecting and configuring a line, without the line id itself. */
export function lineOptions(line: GpioLine): string[] {
  return ['-c', String(line.chip), ...(line.activeLow ? ['-l'] : []), ...(line.bias ? ['-b', line.bias] : [])]
}

/** The line as the tools take it: an offset (with `-c`), or a name. */
export const lineId = (line: GpioLine) => String(line.line)

/** For messages and logs: `gpiochip0 line 22`. */
export const describeLine = (line: GpioLine) => `${line.chip} line ${line.line}`
