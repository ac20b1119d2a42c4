import { getAddress, zeroAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../errors/parameters.js'
import { defineTerms, hashTerms, termsDifference } from './terms.js'

const payout = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
const agent = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'

describe('terms', () => {
  it('defineTerms fills the optional tariff fields with 0 and checksums the addresses', () => {
    expect(defineTerms({ payout, agent, pricePerKWh: 5n })).toEqual({
      payout: getAddress(payout),
      agent,
      tariff: {
        currency: zeroAddress,
        pricePerKWh: 5n,
        pricePerMinute: 0n,
        idlePerMinute: 0n,
        sessionFee: 0n,
      },
      creditWh: 0,
    })
  })

  it('defineTerms refuses values outside their Solidity types', () => {
    expect(() => defineTerms({ payout, agent, pricePerKWh: 2n ** 96n })).toThrow(InvalidParameterError)
    expect(() => defineTerms({ payout, agent, pricePerKWh: 1n, sessionFee: -1n })).toThrow(/sessionFee/)
    expect(() => defineTerms({ payout, agent, pricePerKWh: 1n, creditWh: 2 ** 32 })).toThrow(/creditWh/)
    expect(() => defineTerms({ payout: '0x12', agent, pricePerKWh: 1n })).toThrow(/payout/)
  })

  it('hashes the same terms alike whatever the address case, and names the first difference', () => {
    const terms = defineTerms({ payout, agent, pricePerKWh: 5n, creditWh: 10 })
    const lower = { ...terms, agent: terms.agent.toLowerCase() as typeof terms.agent }
    expect(hashTerms(lower)).toBe(hashTerms(terms))
    expect(termsDifference(terms, lower)).toBeUndefined()
    expect(termsDifference(terms, { ...terms, tariff: { ...terms.tariff, pricePerMinute: 1n } })).toEqual({
      field: 'pricePerMinute',
      expected: '0',
      actual: '1',
    })
    expect(hashTerms({ ...terms, creditWh: 11 })).not.toBe(hashTerms(terms))
  })
})
