import { bigint, customType, numeric, timestamp } from 'drizzle-orm/pg-core'
import { StoredValueError } from '../errors.js'

/** `0x`-prefixed hex, as viem types it; addresses and hashes are stored in lower case so equality is plain `=`. */
export type Hex = `0x${string}`

/** A hex value (address, bytes32 id, transaction hash, signature) kept as lower-case text. */
export const hex = customType<{ data: Hex; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => value.toLowerCase(),
  fromDriver: (value) => {
    if (!value.startsWith('0x')) throw new StoredValueError(value, '0x-prefixed hex')
    return `0x${value.slice(2)}`
  },
})

/** A token amount in the token's smallest unit: up to a uint256, exact. */
export const amount = () => numeric({ precision: 78, scale: 0, mode: 'bigint' })

/** Watt-hours, seconds and block numbers: integers far below 2^53, read as numbers. */
export const count = () => bigint({ mode: 'number' })

/**
 * A moment, read as a Date. Stored to the millisecond, a Date's precision, so a value read back compares equal to
 * the row it came from (page cursors rely on it).
 */
export const instant = () => timestamp({ withTimezone: true, mode: 'date', precision: 3 })

/** When the row was created; set by the database. */
export const createdAt = () => instant().notNull().defaultNow()
