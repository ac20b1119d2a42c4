import { z } from 'zod'
import { obdMapSchema } from '../can/obd.js'
import { slcanBitrates } from '../can/slcan.js'
import { gpioLightsSchema } from '../gpio/lights.js'
import { gpioToolsSchema } from '../gpio/tools.js'

/** How the Pi reaches the car's CAN bus: a serial slcan adapter (the prototype's wiring) or a SocketCAN interface. */
export const carCanSchema = z.union([
  z.strictObject({
    slcan: z.strictObject({
      path: z.string().min(1),
      bitrate: z
        .number()
        .refine((rate) => (slcanBitrates as readonly number[]).includes(rate), 'one of the slcan bit rates')
        .default(500_000),
      baudRate: z.number().int().positive().default(115_200),
    }),
  }),
  z.strictObject({ socketcan: z.strictObject({ interface: z.string().min(1) }) }),
])

/** `hardware` of the vehicle agent's config with `"driver": "linux"`. */
export const carLinuxHardwareSchema = z.strictObject({
  driver: z.literal('linux'),
  can: carCanSchema,
  /** Where this car keeps its state of charge, battery voltage and energy: see the guide for how to find them. */
  obd: obdMapSchema,
  obdTimeoutMs: z.number().int().positive().default(500),
  /** The indicator lamps on GPIO; without them the car runs with no lamps. */
  lights: gpioLightsSchema.extend({ tools: gpioToolsSchema.prefault({}) }).optional(),
})

export type CarLinuxHardwareConfig = z.output<typeof carLinuxHardwareSchema>
export type CarLinuxHardwareInput = z.input<typeof carLinuxHardwareSchema>
