import { z } from 'zod'

/** How one quantity sits in a meter's registers. */
export const registerFieldSchema = z.strictObject({
  /** 3 = holding registers, 4 = input registers. */
  function: z.union([z.literal(3), z.literal(4)]),
  address: z.number().int().min(0).max(0xffff),
  type: z.enum(['u16', 's16', 'u32', 's32', 'float32']),
  /** For 32-bit values: `big` = high word first (Modbus's usual order), `little` = low word first. */
  wordOrder: z.enum(['big', 'little']).default('big'),
  /** Multiplies the raw value into the field's unit (kWh, V, A, W). */
  scale: z.number().positive().finite().default(1),
})

export type RegisterField = z.output<typeof registerFieldSchema>

export const registerCount = (field: Pick<RegisterField, 'type'>) => (field.type.endsWith('16') ? 1 : 2)

/**
 * Decodes a field from the registers of one reply. `registers` holds the 16-bit words read from `start` on.
 * Returns undefined if the reply did not cover the field.
 */
export function decodeField(
  field: RegisterField,
  start: number,
  registers: readonly number[],
): number | undefined {
  const offset = field.address - start
  const count = registerCount(field)
  if (offset < 0 || offset + count > registers.length) return undefined
  const words = registers.slice(offset, offset + count)
  const [high, low] = field.wordOrder === 'big' ? words : [words[1], words[0]]
  const bytes = Buffer.alloc(count * 2)
  bytes.writeUInt16BE(high ?? 0, 0)
  if (count === 2) bytes.writeUInt16BE(low ?? 0, 2)
  const raw = {
    u16: () => bytes.readUInt16BE(0),
    s16: () => bytes.readInt16BE(0),
    u32: () => bytes.readUInt32BE(0),
    s32: () => bytes.readInt32BE(0),
    float32: () => bytes.readFloatBE(0),
  }[field.type]()
  return raw * field.scale
}
