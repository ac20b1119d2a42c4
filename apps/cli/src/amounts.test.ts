import { describe, expect, it } from 'vitest'
import { formatAmount, parseAmount } from './amounts.js'
import { InvalidAmountError } from './errors.js'

describe('parseAmount', () => {
  it('reads human amounts in the currency decimals', () => {
    expect(parseAmount('--deposit', '1.5', 18)).toBe(1_500_000_000_000_000_000n)
    expect(parseAmount('--deposit', '0.000001', 6)).toBe(1n)
    expect(parseAmount('--price', '30', 0)).toBe(30n)
    expect(parseAmount('--price', ' 2 ', 6)).toBe(2_000_000n)
  })

  it('refuses what is not a plain non-negative decimal within the precision', () => {
    for (const bad of ['', 'abc', '-1', '1e18', '1.2.3', '0x10', '1,5', '.5', '0.0000001']) {
      expect(() => parseAmount('--deposit', bad, 6)).toThrow(InvalidAmountError)
    }
    expect(() => parseAmount('--deposit', '1.23', 0)).toThrow(/at most 0 decimals/)
  })
})

describe('formatAmount', () => {
  it('prints with the symbol', () => {
    expect(formatAmount(1_500_000_000_000_000_000n, 18, 'ETH')).toBe('1.5 ETH')
    expect(formatAmount(0n, 6, 'USDC')).toBe('0 USDC')
  })
})
