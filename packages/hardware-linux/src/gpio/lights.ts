import {
  type BinaryOutput,
  HardwareClosedError,
  type IndicatorLights,
  type IndicatorState,
  InvalidHardwareOptionError,
  indicatorStates,
} from '@chargechain/hardware'
import { z } from 'zod'
import type { Gpio } from './gpio.js'
import { gpioLineSchema } from './line.js'

/** The car's indicator lights: a GPIO line per lamp, and which lamps each state lights. */
export const gpioLightsSchema = z.strictObject({
  lines: z.record(z.string().min(1), gpioLineSchema),
  states: z
    .strictObject(
      Object.fromEntries(indicatorStates.map((state) => [state, z.array(z.string()).default([])])),
    )
    .default({
      idle: [],
      authenticating: ['yellow'],
      charging: ['green'],
      paying: ['yellow', 'green'],
      error: ['red'],
    }),
})

export type GpioLightsConfig = z.input<typeof gpioLightsSchema>

/** Opens the lamps' lines (all off = `idle`); `show()` switches each lamp as the state's list says. */
export async function openGpioLights(gpio: Gpio, input: GpioLightsConfig): Promise<IndicatorLights> {
  const config = gpioLightsSchema.parse(input)
  for (const [state, lamps] of Object.entries(config.states)) {
    for (const lamp of lamps ?? []) {
      if (!(lamp in config.lines))
        throw new InvalidHardwareOptionError(
          `lights.states.${state}`,
          `lamps among ${Object.keys(config.lines).join(', ')}`,
          lamp,
        )
    }
  }
  const lamps = new Map<string, BinaryOutput>()
  for (const [name, line] of Object.entries(config.lines))
    lamps.set(name, await gpio.output(line, { name: `${name} lamp` }))
  let shown: IndicatorState = 'idle'
  let closed = false

  const light = async (state: IndicatorState) => {
    const lit = config.states[state] ?? []
    for (const [name, lamp] of lamps) await lamp.set(lit.includes(name))
    shown = state
  }

  return {
    async show(state) {
      if (closed) throw new HardwareClosedError('indicator lights')
      if (!indicatorStates.includes(state))
        throw new InvalidHardwareOptionError('indicator state', indicatorStates.join(' | '), state)
      await light(state)
    },
    current: () => shown,
    async close() {
      if (closed) return
      closed = true
      await light('idle')
      for (const lamp of lamps.values()) await lamp.close()
    },
  }
}
