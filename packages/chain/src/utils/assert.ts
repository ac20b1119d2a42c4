import { type Hex, isAddress, isHex, size } from 'viem'
import { InvalidParameterError } from '../errors/parameters.js'

const uint64Max = 2n ** 64n - 1n
const uint256Max = 2n ** 256n - 1n

// Validated here, before signing: a bad field would otherwise surface as an opaque encoder error, or worse, sign
// something the contract can never accept.
export function assertBytes(where: string, field: string, value: Hex, bytes: number): void {
  if (!isHex(value, { strict: true }) || size(value) !== bytes)
    throw new InvalidParameterError(where, field, `${bytes} bytes of 0x-prefixed hex`)
}

export function assertAddress(where: string, field: string, value: string): void {
  if (!isAddress(value, { strict: false })) throw new InvalidParameterError(where, field, 'a 20-byte address')
}

export function assertUint(where: string, field: string, value: bigint, bits: 64 | 256): void {
  const max = bits === 64 ? uint64Max : uint256Max
  if (typeof value !== 'bigint' || value < 0n || value > max)
    throw new InvalidParameterError(where, field, `an integer (bigint) from 0 to 2^${bits} − 1`)
}

export function assertUint32(where: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 2 ** 32 - 1)
    throw new InvalidParameterError(where, field, 'a whole number from 0 to 2^32 − 1')
}

export function assertChainId(where: string, chainId: number): void {
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    throw new InvalidParameterError(where, 'chainId', 'a positive integer')
}
