import type { AbiParameter } from 'viem'
import { LogDecodingError } from '../errors.js'

/*
 * Static ABI values (address, bool, bytesN, intN/uintN and tuples of them) read straight from a log's hex, in the
 * stored form (`jsonify` of what viem's decodeAbiParameters gives: hex in lower case, integers over 48 bits as
 * decimal strings, tuples as objects when every component is named). viem decodes through byte arrays, a cursor
 * and a checksummed address per value; for a 10,000-session catch-up that was most of the decoding's time. A value
 * viem refuses (a bool word other than 0 or 1, a small integer beyond 2^53, data too short) is a LogDecodingError.
 */

/** Reads one value from `hex` (lower case, no `0x`) at character `at`; `words` 32-byte words long. */
export interface StaticDecoder {
  words: number
  read(hex: string, at: number): unknown
}

const WORD = 64
const falseWord = '0'.repeat(WORD)
const trueWord = `${'0'.repeat(WORD - 1)}1`
const two256 = 1n << 256n
const maxInt256 = (1n << 255n) - 1n

/** The decoder of `param`, or undefined when its type is dynamic or an array (viem decodes those). */
export function staticDecoder(param: AbiParameter): StaticDecoder | undefined {
  const { type } = param
  if (type === 'address') return { words: 1, read: (hex, at) => `0x${hex.slice(at + 24, at + WORD)}` }
  if (type === 'bool') return { words: 1, read: readBool }
  const bytes = /^bytes([1-9]|[12]\d|3[0-2])$/.exec(type)
  if (bytes) {
    const length = Number(bytes[1]) * 2
    return { words: 1, read: (hex, at) => `0x${hex.slice(at, at + length)}` }
  }
  const integer = /^(u?)int(\d*)$/.exec(type)
  if (integer) return integerDecoder(integer[1] === '', Number(integer[2] || '256'))
  if (type === 'tuple' && 'components' in param) return tupleDecoder(param.components)
  return undefined
}

/**
 * The decoder of a list of parameters (a log's data), giving their values in order, or undefined if any is not
 * static. Like viem, it refuses data shorter than its parameters, and non-empty data shorter than one word.
 */
export function staticListDecoder(params: readonly AbiParameter[]): ((hex: string) => unknown[]) | undefined {
  const decoders: StaticDecoder[] = []
  for (const param of params) {
    const decoder = staticDecoder(param)
    if (!decoder) return undefined
    decoders.push(decoder)
  }
  const length = decoders.reduce((sum, decoder) => sum + decoder.words * WORD, 0)
  return (hex) => {
    if (hex.length < length || (hex.length > 0 && hex.length < WORD))
      throw new LogDecodingError(`data of ${hex.length / 2} bytes, ${length / 2} needed`)
    let at = 0
    return decoders.map((decoder) => {
      const value = decoder.read(hex, at)
      at += decoder.words * WORD
      return value
    })
  }
}

function readBool(hex: string, at: number): boolean {
  const word = hex.slice(at, at + WORD)
  if (word === falseWord) return false
  if (word === trueWord) return true
  throw new LogDecodingError(`0x${word} is not a bool`)
}

function integerDecoder(signed: boolean, bits: number): StaticDecoder {
  return {
    words: 1,
    read(hex, at) {
      let value = BigInt(`0x${hex.slice(at, at + WORD)}`)
      if (signed && value > maxInt256) value -= two256
      // viem gives a number up to 48 bits (refusing one beyond 2^53), a bigint above, stored as a decimal string.
      if (bits > 48) return value.toString()
      const number = Number(value)
      if (!Number.isSafeInteger(number)) throw new LogDecodingError(`${value} is out of a number's range`)
      return number
    },
  }
}

function tupleDecoder(components: readonly AbiParameter[]): StaticDecoder | undefined {
  const decoders: StaticDecoder[] = []
  for (const component of components) {
    const decoder = staticDecoder(component)
    if (!decoder) return undefined
    decoders.push(decoder)
  }
  const names = components.map((component) => component.name ?? '')
  // viem gives an array when any component is unnamed, else an object keyed by the names.
  const named = components.length > 0 && names.every((name) => name !== '')
  return {
    words: decoders.reduce((sum, decoder) => sum + decoder.words, 0),
    read(hex, at) {
      const values: unknown[] = []
      let offset = at
      for (const decoder of decoders) {
        values.push(decoder.read(hex, offset))
        offset += decoder.words * WORD
      }
      return named ? Object.fromEntries(values.map((value, i) => [names[i], value])) : values
    },
  }
}
