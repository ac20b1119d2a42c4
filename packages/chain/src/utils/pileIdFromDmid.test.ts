import { keccak256, stringToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { pileIdFromDmid } from './pileIdFromDmid.js'

describe('pileIdFromDmid', () => {
  it('hashes the device id', () => {
    expect(pileIdFromDmid('SH-0001')).toBe(keccak256(stringToBytes('SH-0001')))
    expect(pileIdFromDmid('上海-1')).not.toBe(pileIdFromDmid('上海-2'))
    expect(() => pileIdFromDmid('  ')).toThrow(/dmid/)
  })
})
