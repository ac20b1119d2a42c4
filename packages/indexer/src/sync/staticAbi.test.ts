// The static decoders give exactly what viem's decodeAbiParameters gives in stored form (jsonify), or throw where
// viem throws, for every followed event's data and indexed inputs and for random words biased to the edges (bools
// other than 0/1, sign bits, small integers past 2^53, short data), plus named and unnamed tuples and signed types.
// Break tried: dropping the two's complement for signed integers (int8 and int256 of a negative word then differ).
import { paymentChannelsAbi, pileRegistryAbi, sessionEscrowAbi } from '@chargechain/contracts'
import fc from 'fast-check'
import { type AbiParameter, decodeAbiParameters, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { LogDecodingError } from '../errors.js'
import { jsonify } from '../events.js'
import { staticDecoder, staticListDecoder } from './staticAbi.js'

const eventInputs = [...pileRegistryAbi, ...sessionEscrowAbi, ...paymentChannelsAbi].flatMap((item) =>
  item.type === 'event' ? [item.inputs as readonly AbiParameter[]] : [],
)
const dataLists = eventInputs.map((inputs) =>
  inputs.filter((input) => !('indexed' in input && input.indexed)),
)
const extraLists: AbiParameter[][] = [
  [
    { name: 'a', type: 'int8' },
    { name: 'b', type: 'int256' },
    { name: 'c', type: 'int48' },
    { name: 'd', type: 'uint48' },
    { name: 'e', type: 'uint56' },
    { name: 'f', type: 'bytes1' },
    { name: 'g', type: 'bytes20' },
  ],
  [{ name: 't', type: 'tuple', components: [{ type: 'uint8' }, { type: 'address' }] }],
  [
    {
      name: 't',
      type: 'tuple',
      components: [
        { name: 'x', type: 'bool' },
        { name: 'y', type: 'tuple', components: [{ name: 'z', type: 'int16' }] },
      ],
    },
  ],
]

const hexDigits = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length })
/** A 32-byte word, often a small number, a bool-like value, all ones or a sign bit: where decoders differ. */
const wordArb = fc.oneof(
  hexDigits(64),
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map((value) => value.toString(16).padStart(64, '0')),
  fc.constantFrom(
    '0'.repeat(64),
    `${'0'.repeat(63)}1`,
    `${'0'.repeat(63)}2`,
    'f'.repeat(64),
    `8${'0'.repeat(63)}`,
    `${'0'.repeat(50)}${'f'.repeat(14)}`,
    `${'0'.repeat(52)}${'f'.repeat(12)}`,
  ),
)

function viem(params: readonly AbiParameter[], hex: string): unknown {
  try {
    return { values: decodeAbiParameters(params, `0x${hex}` as Hex).map(jsonify) }
  } catch {
    return 'throws'
  }
}

function ours(params: readonly AbiParameter[], hex: string): unknown {
  const read = staticListDecoder(params)
  if (!read) throw new Error(`not static: ${params.map((param) => param.type).join(',')}`)
  try {
    return { values: read(hex) }
  } catch (error) {
    if (!(error instanceof LogDecodingError)) throw error
    return 'throws'
  }
}

describe('static ABI decoders', () => {
  it('cover every followed event: each data list and each indexed value type is static', () => {
    for (const list of dataLists) expect(staticListDecoder(list)).toBeDefined()
    for (const input of eventInputs.flat())
      if (input.type !== 'tuple') expect(staticDecoder(input)).toBeDefined()
  })

  it('decode as viem does, word for word, or throw where viem throws', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...dataLists, ...extraLists),
        fc.array(wordArb, { minLength: 0, maxLength: 12 }),
        fc.nat({ max: 63 }),
        (params, words, cut) => {
          const full = words.join('')
          // Sometimes cut short by a few bytes, to meet the length checks.
          const hex = cut % 4 === 0 ? full.slice(0, Math.max(0, full.length - cut * 2)) : full
          expect(ours(params, hex)).toEqual(viem(params, hex))
        },
      ),
      { numRuns: 3_000 },
    )
  })

  it('leave dynamic types and arrays to viem', () => {
    for (const type of ['string', 'bytes', 'uint256[]', 'address[2]'])
      expect(staticDecoder({ name: 'x', type })).toBeUndefined()
    expect(
      staticListDecoder([
        { name: 'a', type: 'uint8' },
        { name: 'b', type: 'string' },
      ]),
    ).toBeUndefined()
  })
})
