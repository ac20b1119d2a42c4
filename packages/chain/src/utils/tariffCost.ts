import { InvalidParameterError } from '../errors/parameters.js'
import type { Tariff } from '../terms/terms.js'

const uint64Max = 2n ** 64n - 1n
const uint32Max = 2 ** 32 - 1

/**
 * What a session costs under `tariff`, exactly as `SessionEscrow.tariffCost` computes it, with one rounding, up:
 * `sessionFee + ceil((energyWh·pricePerKWh·60 + (chargingSeconds·pricePerMinute + idleSeconds·idlePerMinute)·1000)
 * / 60000)`. The most a voucher for these values may authorise; both agents show and sign only this value.
 */
export function tariffCost(
  tariff: Pick<Tariff, 'pricePerKWh' | 'pricePerMinute' | 'idlePerMinute' | 'sessionFee'>,
  energyWh: bigint,
  chargingSeconds = 0,
  idleSeconds = 0,
): bigint {
  if (typeof energyWh !== 'bigint' || energyWh < 0n || energyWh > uint64Max)
    throw new InvalidParameterError('tariffCost', 'energyWh', 'an integer (bigint) from 0 to 2^64 − 1')
  for (const [field, value] of Object.entries({ chargingSeconds, idleSeconds }))
    if (!Number.isInteger(value) || value < 0 || value > uint32Max)
      throw new InvalidParameterError('tariffCost', field, 'a whole number of seconds from 0 to 2^32 − 1')
  for (const [field, value] of Object.entries(tariff))
    if (value < 0n) throw new InvalidParameterError('tariffCost', field, 'non-negative')
  const scaled =
    energyWh * tariff.pricePerKWh * 60n +
    (BigInt(chargingSeconds) * tariff.pricePerMinute + BigInt(idleSeconds) * tariff.idlePerMinute) * 1000n
  return tariff.sessionFee + (scaled + 59_999n) / 60_000n
}
