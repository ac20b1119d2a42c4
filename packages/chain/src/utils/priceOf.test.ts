import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../errors/parameters.js'
import { priceOf } from './priceOf.js'

describe('priceOf', () => {
  it('rounds up to the smallest currency unit', () => {
    expect(priceOf(0n, 300n)).toBe(0n)
    expect(priceOf(1n, 300n)).toBe(1n) // 0.3 → 1
    expect(priceOf(1000n, 300n)).toBe(300n)
    expect(priceOf(1001n, 300n)).toBe(301n) // 300.3 → 301
    expect(priceOf(1500n, 10n ** 17n)).toBe(15n * 10n ** 16n)
  })

  it('is the least amount whose ×1000 covers energy × price', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
        (e, p) => {
          const price = priceOf(e, p)
          expect(price * 1000n >= e * p).toBe(true)
          if (price > 0n) expect((price - 1n) * 1000n < e * p).toBe(true)
        },
      ),
    )
  })

  it('refuses negative inputs', () => {
    expect(() => priceOf(-1n, 1n)).toThrow(InvalidParameterError)
    expect(() => priceOf(1n, -1n)).toThrow(/pricePerKWh/)
  })
})
