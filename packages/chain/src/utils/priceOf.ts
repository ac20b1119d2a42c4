import { InvalidParameterError } from '../errors/parameters.js'

/**
 * What `energyWh` costs at `pricePerKWh` (smallest currency unit per kWh), rounded up exactly as the escrow does:
 * ceil(energyWh × pricePerKWh / 1000). A voucher whose amount is above this is refused on chain.
 */
export function priceOf(energyWh: bigint, pricePerKWh: bigint): bigint {
  if (energyWh < 0n) throw new InvalidParameterError('priceOf', 'energyWh', 'non-negative')
  if (pricePerKWh < 0n) throw new InvalidParameterError('priceOf', 'pricePerKWh', 'non-negative')
  return (energyWh * pricePerKWh + 999n) / 1000n
}
