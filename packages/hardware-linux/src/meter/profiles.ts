import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { MeterProfileError } from './errors.js'
import { type RegisterField, registerCount, registerFieldSchema } from './registers.js'

/** One request the driver sends per reading. */
export const registerBlockSchema = z.strictObject({
  function: z.union([z.literal(3), z.literal(4)]),
  address: z.number().int().min(0).max(0xffff),
  count: z.number().int().min(1).max(125),
})

export type RegisterBlock = z.output<typeof registerBlockSchema>

/**
 * A meter model: where energy, voltage, current and power sit, and its factory line settings. Energy is required;
 * without `powerW` the driver derives power from the energy register's steps, and without `currentA` from power and
 * voltage.
 */
export const meterProfileSchema = z.strictObject({
  name: z.string().min(1),
  baudRate: z.number().int().positive().default(9_600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  unit: z.number().int().min(1).max(247).default(1),
  fields: z.strictObject({
    energyKWh: registerFieldSchema,
    voltageV: registerFieldSchema,
    currentA: registerFieldSchema.optional(),
    powerW: registerFieldSchema.optional(),
  }),
  /** The requests to send; by default one per function code, spanning that function's fields. */
  blocks: z.array(registerBlockSchema).min(1).optional(),
})

export type MeterProfileInput = z.input<typeof meterProfileSchema>
export type MeterProfile = z.output<typeof meterProfileSchema> & { blocks: RegisterBlock[] }

/**
 * The prototype's single-phase meter: function 3, 18 holding registers read in one request from `startAddress`
 * (the STM32 firmware accepts only a reply starting `01 03 24`). Energy is registers 0–1 as one unsigned 32-bit
 * big-endian count of 0.01 kWh, voltage register 11 in 0.1 V. RS-485 at 4800 baud, slave 1.
 */
export function ddsd1352(startAddress = 0): MeterProfileInput {
  const field = (offset: number, type: 'u16' | 'u32', scale: number) => ({
    function: 3 as const,
    address: startAddress + offset,
    type,
    scale,
  })
  return {
    name: 'DDSD1352',
    baudRate: 4_800,
    unit: 1,
    fields: { energyKWh: field(0, 'u32', 0.01), voltageV: field(11, 'u16', 0.1) },
    blocks: [{ function: 3, address: startAddress, count: 18 }],
  }
}

/** Eastron's float32 input registers (function 4), as both the SDM120 and SDM630 manuals list them. */
const eastron = (address: number) => ({ function: 4 as const, address, type: 'float32' as const })

/** Eastron SDM120, single phase: voltage, current, active power, total active energy. Factory line: 2400 8N1. */
export const sdm120: MeterProfileInput = {
  name: 'SDM120',
  baudRate: 2_400,
  fields: {
    voltageV: eastron(0x0000),
    currentA: eastron(0x0006),
    powerW: eastron(0x000c),
    energyKWh: eastron(0x0156),
  },
}

/**
 * Eastron SDM630, three phase: the average line-to-neutral voltage, the sum of the line currents and the total system
 * power (so V × I ≈ P on a balanced load), and total active energy. Factory line: 9600 8N1.
 */
export const sdm630: MeterProfileInput = {
  name: 'SDM630',
  baudRate: 9_600,
  fields: {
    voltageV: eastron(0x002a),
    currentA: eastron(0x0030),
    powerW: eastron(0x0034),
    energyKWh: eastron(0x0156),
  },
}

export const builtInProfiles = { ddsd1352: ddsd1352(), sdm120, sdm630 } as const
export type BuiltInProfileName = keyof typeof builtInProfiles

const isBuiltIn = (name: string): name is BuiltInProfileName => Object.hasOwn(builtInProfiles, name)

/** Validates a profile and works out its requests. Throws `MeterProfileError` naming what is wrong. */
export function meterProfile(input: MeterProfileInput | unknown): MeterProfile {
  const parsed = meterProfileSchema.safeParse(input)
  if (!parsed.success) {
    const name =
      input instanceof Object && 'name' in input && typeof input.name === 'string' ? input.name : 'meter'
    throw new MeterProfileError(name, z.prettifyError(parsed.error))
  }
  const profile = parsed.data
  const fields = Object.values(profile.fields).filter((field) => field !== undefined)
  const blocks = profile.blocks ?? blocksFor(fields)
  for (const [name, field] of Object.entries(profile.fields)) {
    if (!field) continue
    const covered = blocks.some(
      (block) =>
        block.function === field.function &&
        field.address >= block.address &&
        field.address + registerCount(field) <= block.address + block.count,
    )
    if (!covered) throw new MeterProfileError(profile.name, `no block reads the ${name} registers`)
  }
  return { ...profile, blocks }
}

/** One request per function code, from its lowest to its highest register; split where a span would pass 125. */
function blocksFor(fields: RegisterField[]): RegisterBlock[] {
  const blocks: RegisterBlock[] = []
  for (const fn of [3, 4] as const) {
    const sorted = fields.filter((field) => field.function === fn).sort((a, b) => a.address - b.address)
    let block: RegisterBlock | undefined
    for (const field of sorted) {
      const end = field.address + registerCount(field)
      if (block && end - block.address <= 125) {
        block.count = Math.max(block.count, end - block.address)
        continue
      }
      block = { function: fn, address: field.address, count: end - field.address }
      blocks.push(block)
    }
  }
  return blocks
}

/** A built-in profile by name, or a JSON file holding a profile (the generic register map). */
export async function loadMeterProfile(nameOrFile: string): Promise<MeterProfile> {
  if (isBuiltIn(nameOrFile)) return meterProfile(builtInProfiles[nameOrFile])
  let text: string
  try {
    text = await readFile(nameOrFile, 'utf8')
  } catch (error) {
    throw new MeterProfileError(
      nameOrFile,
      `not a built-in profile (${Object.keys(builtInProfiles).join(', ')}) and no such file`,
      { cause: error },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new MeterProfileError(nameOrFile, 'the file is not JSON', { cause: error })
  }
  return meterProfile(json)
}
