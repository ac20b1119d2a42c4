import { encodeAbiParameters, keccak256, stringToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { dmidToBytes32, pileIdFromDmid, pileIdOf } from './pileIdFromDmid.js'

const owner = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const other = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'

describe('pile ids', () => {
  it('hash the device id, then the registrant with it, as PileRegistry.pileIdOf does', () => {
    expect(dmidToBytes32('SH-0001')).toBe(keccak256(stringToBytes('SH-0001')))
    const expected = keccak256(
      encodeAbiParameters([{ type: 'address' }, { type: 'bytes32' }], [owner, dmidToBytes32('SH-0001')]),
    )
    expect(pileIdOf(owner, dmidToBytes32('SH-0001'))).toBe(expected)
    expect(pileIdFromDmid(owner, 'SH-0001')).toBe(expected)
  })

  it('differ per registrant and per device, and refuse an empty DMID or a bad registrant', () => {
    expect(pileIdFromDmid(owner, 'SH-0001')).not.toBe(pileIdFromDmid(other, 'SH-0001'))
    expect(pileIdFromDmid(owner, '上海-1')).not.toBe(pileIdFromDmid(owner, '上海-2'))
    expect(() => pileIdFromDmid(owner, '  ')).toThrow(/dmid/)
    expect(() => pileIdFromDmid('0x1234', 'SH-0001')).toThrow(/registrant/)
  })
})
