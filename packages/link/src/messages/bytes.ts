import { MessageFieldError } from '../errors.js'

export const MAX_UINT256 = (1n << 256n) - 1n

/**
 * Builds a payload, validating each field as it goes so an encoder cannot put a value on the wire that its decoder
 * would refuse. Integers are unsigned LEB128 varints: small meter values cost one or two bytes, wei amounts a few more.
 */
export class PayloadWriter {
  readonly #messageType: string
  readonly #bytes: number[] = []

  constructor(messageType: string) {
    this.#messageType = messageType
  }

  fail(field: string, problem: string): never {
    throw new MessageFieldError(this.#messageType, field, problem)
  }

  bytes(field: string, value: unknown, length: number): this {
    if (!(value instanceof Uint8Array)) this.fail(field, `must be a Uint8Array of ${length} bytes`)
    if (value.length !== length) this.fail(field, `must be ${length} bytes, got ${value.length}`)
    for (const byte of value) this.#bytes.push(byte)
    return this
  }

  /** A length-prefixed byte string of at most `maxLength` bytes. */
  varBytes(field: string, value: unknown, maxLength: number): this {
    if (!(value instanceof Uint8Array)) this.fail(field, 'must be a Uint8Array')
    if (value.length > maxLength) this.fail(field, `must be at most ${maxLength} bytes, got ${value.length}`)
    this.uint(field, value.length, maxLength)
    for (const byte of value) this.#bytes.push(byte)
    return this
  }

  u8(field: string, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) this.fail(field, 'must be an integer 0…255')
    this.#bytes.push(value)
    return this
  }

  uint(field: string, value: unknown, max: number): this {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max)
      this.fail(field, `must be an integer 0…${max}, got ${String(value)}`)
    return this.#varint(BigInt(value))
  }

  bigUint(field: string, value: unknown, max: bigint): this {
    if (typeof value !== 'bigint' || value < 0n || value > max)
      this.fail(field, `must be a bigint 0…${max === MAX_UINT256 ? '2^256-1' : max}, got ${String(value)}`)
    return this.#varint(value)
  }

  #varint(value: bigint): this {
    let rest = value
    while (rest >= 0x80n) {
      this.#bytes.push(Number(rest & 0x7fn) | 0x80)
      rest >>= 7n
    }
    this.#bytes.push(Number(rest))
    return this
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes)
  }
}

/** Reads a payload field by field; every failure names the message and the field. */
export class PayloadReader {
  readonly #messageType: string
  readonly #bytes: Uint8Array
  #offset = 0

  constructor(messageType: string, bytes: Uint8Array) {
    this.#messageType = messageType
    this.#bytes = bytes
  }

  fail(field: string, problem: string): never {
    throw new MessageFieldError(this.#messageType, field, problem)
  }

  bytes(field: string, length: number): Uint8Array {
    const available = this.#bytes.length - this.#offset
    if (available < length) this.fail(field, `needs ${length} bytes but the payload has ${available} left`)
    const value = this.#bytes.slice(this.#offset, this.#offset + length)
    this.#offset += length
    return value
  }

  varBytes(field: string, maxLength: number): Uint8Array {
    return this.bytes(field, this.uint(field, maxLength))
  }

  u8(field: string): number {
    const byte = this.#bytes[this.#offset]
    if (byte === undefined) this.fail(field, 'needs 1 byte but the payload has none left')
    this.#offset += 1
    return byte
  }

  uint(field: string, max: number): number {
    const value = this.#varint(field, BigInt(max))
    return Number(value)
  }

  bigUint(field: string, max: bigint): bigint {
    return this.#varint(field, max)
  }

  #varint(field: string, max: bigint): bigint {
    let value = 0n
    let shift = 0n
    for (;;) {
      const byte = this.#bytes[this.#offset]
      if (byte === undefined) this.fail(field, 'is cut off: the payload ends inside the varint')
      this.#offset += 1
      value |= BigInt(byte & 0x7f) << shift
      shift += 7n
      if (value > max) this.fail(field, `exceeds its maximum ${max === MAX_UINT256 ? '2^256-1' : max}`)
      if ((byte & 0x80) === 0) {
        // One value, one encoding: a trailing zero group would let two payloads mean the same thing.
        if (byte === 0 && shift > 7n) this.fail(field, 'is not minimally encoded')
        return value
      }
    }
  }

  /** Call after the last field: leftover bytes mean the peer and we disagree on the layout. */
  end(): void {
    const left = this.#bytes.length - this.#offset
    if (left !== 0) this.fail('payload', `has ${left} unexpected trailing byte(s)`)
  }
}
