import { pileIdFromDmid } from '@chargechain/chain'
import { type Address, getAddress, type Hex, isAddress, isHex, size } from 'viem'
import { UsageError } from './errors.js'

/**
 * A pile given as its bytes32 id (0x + 64 hex digits), or as the management system's device id (DMID) of the pile
 * `owner` registered (ids derive from the registrant and the DMID). Without an owner a DMID names no pile.
 */
export function parsePileId(value: string, owner: Address | undefined): Hex {
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return value as Hex
  if (value.startsWith('0x'))
    throw new UsageError(`Pile "${value}" looks like hex but is not 32 bytes; give the DMID or the full id.`)
  if (!owner)
    throw new UsageError(`Pile "${value}" is a device id: give --owner <address> too, or the pile's 0x id.`)
  return pileIdFromDmid(owner, value)
}

export function parseAddress(option: string, value: string): Address {
  if (!isAddress(value, { strict: false }))
    throw new UsageError(`${option} "${value}" is not an address (0x + 40 hex digits).`)
  return getAddress(value)
}

export function parseBytes32(option: string, value: string): Hex {
  if (!isHex(value, { strict: true }) || size(value) !== 32)
    throw new UsageError(`${option} "${value}" must be 32 bytes of hex (0x + 64 hex digits).`)
  return value
}

export function parseHex(option: string, value: string): Hex {
  if (!isHex(value, { strict: true })) throw new UsageError(`${option} "${value}" must be 0x-prefixed hex.`)
  return value
}

export function parseWholeNumber(option: string, value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`${option} "${value}" must be a whole number.`)
  return Number(value)
}

export function parseBigInt(option: string, value: string): bigint {
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} "${value}" must be a whole number.`)
  return BigInt(value)
}
