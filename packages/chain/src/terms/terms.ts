import {
  type Address,
  type ContractFunctionArgs,
  encodeAbiParameters,
  getAbiItem,
  getAddress,
  type Hex,
  keccak256,
  zeroAddress,
} from 'viem'
import { pileRegistryAbi } from '../contracts/abis.js'
import { InvalidParameterError } from '../errors/parameters.js'
import { assertAddress } from '../utils/assert.js'

/** What a pile charges, in the currency's smallest unit: the Solidity `Tariff` struct. */
export type Tariff = ContractFunctionArgs<typeof pileRegistryAbi, 'nonpayable', 'setTariff'>[1]

/**
 * Everything a car agrees to when it opens a session at a pile, bound into the session by its hash: where earnings go
 * (`payout`, also a channel's recipient), the pile's hot key (`agent`), the tariff, and the energy the pile delivers
 * ahead of the vouchers (`creditWh`, which caps a claim). The Solidity `Terms` struct.
 */
export type Terms = ContractFunctionArgs<typeof pileRegistryAbi, 'nonpayable', 'registerPile'>[1]

export type DefineTermsParameters = {
  payout: Address
  agent: Address
  /** ERC-20 token; the native coin when omitted. */
  currency?: Address
  pricePerKWh: bigint
  /** Per minute of charging, pro rata per second; 0 when omitted. */
  pricePerMinute?: bigint
  /** Per minute of idling once the car is full, pro rata per second; 0 when omitted. */
  idlePerMinute?: bigint
  /** Once per session; 0 when omitted. */
  sessionFee?: bigint
  /** Wh delivered ahead of the vouchers; 0 (no claim possible) when omitted. */
  creditWh?: number
}

const uint96Max = 2n ** 96n - 1n
const uint32Max = 2 ** 32 - 1

/** Builds terms with the optional prices at 0, checking every field fits its Solidity type. */
export function defineTerms({
  payout,
  agent,
  currency = zeroAddress,
  pricePerKWh,
  pricePerMinute = 0n,
  idlePerMinute = 0n,
  sessionFee = 0n,
  creditWh = 0,
}: DefineTermsParameters): Terms {
  for (const [field, value] of Object.entries({ payout, agent, currency }))
    assertAddress('defineTerms', field, value)
  const tariff = { pricePerKWh, pricePerMinute, idlePerMinute, sessionFee }
  for (const [field, value] of Object.entries(tariff))
    if (typeof value !== 'bigint' || value < 0n || value > uint96Max)
      throw new InvalidParameterError('defineTerms', field, 'an integer (bigint) from 0 to 2^96 − 1')
  if (!Number.isInteger(creditWh) || creditWh < 0 || creditWh > uint32Max)
    throw new InvalidParameterError('defineTerms', 'creditWh', 'a whole number of Wh from 0 to 2^32 − 1')
  return {
    payout: getAddress(payout),
    agent: getAddress(agent),
    tariff: { currency: getAddress(currency), ...tariff },
    creditWh,
  }
}

const termsParameter = getAbiItem({ abi: pileRegistryAbi, name: 'registerPile' }).inputs[1]

/** `keccak256(abi.encode(terms))`, as the registry stores it and the escrow checks it when a session opens. */
export function hashTerms(terms: Terms): Hex {
  return keccak256(encodeAbiParameters([termsParameter], [terms]))
}

/** The first field in which `actual` differs from `expected` (addresses compared case-insensitively), if any. */
export function termsDifference(
  expected: Terms,
  actual: Terms,
): { field: string; expected: string; actual: string } | undefined {
  const flat = (terms: Terms) => ({
    payout: terms.payout.toLowerCase(),
    agent: terms.agent.toLowerCase(),
    currency: terms.tariff.currency.toLowerCase(),
    pricePerKWh: String(terms.tariff.pricePerKWh),
    pricePerMinute: String(terms.tariff.pricePerMinute),
    idlePerMinute: String(terms.tariff.idlePerMinute),
    sessionFee: String(terms.tariff.sessionFee),
    creditWh: String(terms.creditWh),
  })
  const [want, got] = [flat(expected), flat(actual)]
  for (const field of Object.keys(want) as (keyof typeof want)[])
    if (want[field] !== got[field]) return { field, expected: want[field], actual: got[field] }
  return undefined
}
