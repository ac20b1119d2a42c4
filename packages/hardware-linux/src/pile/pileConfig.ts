import { z } from 'zod'
import { gpioLineSchema } from '../gpio/line.js'
import { gpioToolsSchema } from '../gpio/tools.js'
import { meterProfileSchema } from '../meter/profiles.js'

/** An input line and how long a new level must hold to count. */
const inputSchema = gpioLineSchema.extend({ debounceMs: z.number().int().min(0).max(10_000).default(50) })

/**
 * The pile's GPIO, on the prototype's BCM pins unless said otherwise: car arrival 2 (held 500 ms), gun in 27 and gun
 * out 10 (two buttons), relay 22, HC-05 EN 4 and STATE 17. (`prefault` runs a default through the schema, so the
 * defaults inside it apply too.)
 */
export const pileGpioSchema = z
  .strictObject({
    tools: gpioToolsSchema.prefault({}),
    arrival: inputSchema.prefault({ line: 2, debounceMs: 500 }),
    /** Two momentary buttons (in, out), one line that is high while plugged, or the STM32's plug lines. */
    gun: z
      .union([
        z.strictObject({ plug: inputSchema, unplug: inputSchema }),
        z.strictObject({ line: inputSchema }),
        z.literal('stm32'),
      ])
      .prefault({ plug: { line: 27 }, unplug: { line: 10 } }),
    relay: gpioLineSchema.prefault({ line: 22 }),
    bluetoothPower: gpioLineSchema.prefault({ line: 4 }),
    linkStatus: inputSchema.prefault({ line: 17, debounceMs: 100 }),
  })
  .prefault({})

/** The energy meter: on RS-485 (Modbus RTU) directly, or the STM32 lower computer's lines. */
export const pileMeterSchema = z.union([
  z.strictObject({
    modbus: z.strictObject({
      path: z.string().min(1),
      /** `ddsd1352`, `sdm120`, `sdm630`, a profile file, or a profile object. */
      profile: z.union([z.string().min(1), meterProfileSchema]),
      baudRate: z.number().int().positive().optional(),
      unit: z.number().int().min(1).max(247).optional(),
      /** The DDSD1352's first register (its 18-register block starts here). Default 0. */
      startAddress: z.number().int().min(0).max(0xffff).optional(),
      timeoutMs: z.number().int().positive().default(500),
      attempts: z.number().int().min(1).max(10).default(3),
    }),
  }),
  z.strictObject({
    stm32: z.strictObject({
      path: z.string().min(1),
      baudRate: z.number().int().positive().default(9_600),
      readTimeoutMs: z.number().int().positive().default(3_000),
      silenceMs: z.number().int().positive().default(10_000),
    }),
  }),
])

/** `hardware` of the pile agent's config with `"driver": "linux"`. */
export const pileLinuxHardwareSchema = z
  .strictObject({
    driver: z.literal('linux'),
    gpio: pileGpioSchema,
    meter: pileMeterSchema,
  })
  .refine((config) => config.gpio.gun !== 'stm32' || 'stm32' in config.meter, {
    message: 'a gun read from the STM32 needs the STM32 as the meter too',
    path: ['gpio', 'gun'],
  })

export type PileLinuxHardwareConfig = z.output<typeof pileLinuxHardwareSchema>
export type PileLinuxHardwareInput = z.input<typeof pileLinuxHardwareSchema>
