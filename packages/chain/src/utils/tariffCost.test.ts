// The TS tariffCost must equal SessionEscrow.tariffCost to the wei: both agents show and sign the TS value and the
// contract pays no more than its own. Property-tested against the deployed contract on anvil.
// Break tried: rounding down in tariffCost (`+ 59_999n` removed) fails the property at once.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Fixture, startFixture } from '../../test/fixture.js'
import { sessionEscrowAbi } from '../contracts/abis.js'
import { InvalidParameterError } from '../errors/parameters.js'
import { tariffCost } from './tariffCost.js'

describe('tariffCost', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture()
  })
  afterAll(async () => {
    await f?.stop()
  })

  const onChain = (
    tariff: Parameters<typeof tariffCost>[0],
    energyWh: bigint,
    charging: number,
    idle: number,
  ) =>
    f.other.readContract({
      address: f.deployment.contracts.sessionEscrow,
      abi: sessionEscrowAbi,
      functionName: 'tariffCost',
      args: [{ currency: f.token, ...tariff }, energyWh, charging, idle],
    })

  it('equals the contract’s view for any tariff, energy and time', async () => {
    const price = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 18n }),
      fc.bigInt({ min: 0n, max: 2n ** 96n - 1n }),
    )
    const seconds = fc.oneof(fc.nat({ max: 36_000 }), fc.nat({ max: 2 ** 32 - 1 }))
    await fc.assert(
      fc.asyncProperty(
        fc.record({ pricePerKWh: price, pricePerMinute: price, idlePerMinute: price, sessionFee: price }),
        fc.oneof(fc.bigInt({ min: 0n, max: 200_000n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
        seconds,
        seconds,
        async (tariff, energyWh, charging, idle) => {
          expect(tariffCost(tariff, energyWh, charging, idle)).toBe(
            await onChain(tariff, energyWh, charging, idle),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('rounds once, up, over all parts', () => {
    const tariff = { pricePerKWh: 300n, pricePerMinute: 1n, idlePerMinute: 2n, sessionFee: 7n }
    // 1 Wh × 300 per kWh = 0.3; 1 s × 1 per minute = 0.0167; 1 s idle × 2 per minute = 0.033: 0.35 → 1, plus the fee.
    expect(tariffCost(tariff, 1n, 1, 1)).toBe(8n)
    expect(tariffCost(tariff, 0n)).toBe(7n)
    expect(tariffCost({ ...tariff, sessionFee: 0n }, 1000n, 60, 0)).toBe(301n)
  })

  it('refuses values outside their Solidity types', () => {
    const tariff = { pricePerKWh: 1n, pricePerMinute: 1n, idlePerMinute: 1n, sessionFee: 0n }
    expect(() => tariffCost(tariff, -1n)).toThrow(InvalidParameterError)
    expect(() => tariffCost(tariff, 2n ** 64n)).toThrow(/energyWh/)
    expect(() => tariffCost(tariff, 1n, 2 ** 32)).toThrow(/chargingSeconds/)
    expect(() => tariffCost(tariff, 1n, 0, 1.5)).toThrow(/idleSeconds/)
    expect(() => tariffCost({ ...tariff, sessionFee: -1n }, 1n)).toThrow(/sessionFee/)
  })
})
