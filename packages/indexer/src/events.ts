import type { ChargeChainEvent, Deployment } from '@chargechain/chain'
import { paymentChannelsAbi, pileRegistryAbi, sessionEscrowAbi } from '@chargechain/contracts'
import type { Hex } from '@chargechain/db'
import { toEventSelector } from 'viem'

/** The funds events (`Credited`, `Withdrawn`) move balances no row shows; they are neither fetched nor stored. */
type Followed = Exclude<ChargeChainEvent, { eventName: 'Credited' | 'Withdrawn' }>

/** A value as it is stored in `chain_events.args`: bigints as decimal strings, hex in lower case. */
export type Jsonify<T> = T extends bigint
  ? string
  : T extends string | number | boolean
    ? T
    : T extends object
      ? { -readonly [K in keyof T]: Jsonify<T[K]> }
      : T

type Stored<E> = E extends Followed
  ? { contract: E['contract']; eventName: E['eventName']; args: Jsonify<E['args']> }
  : never

/**
 * One followed event as the indexer applies and stores it: where it is on chain, its block's time, and its
 * arguments in JSON form. Switch on `contract` and `eventName` and `args` is typed.
 */
export type StoredEvent = {
  blockNumber: number
  logIndex: number
  blockHash: Hex
  blockTime: Date
  transactionHash: Hex
  /** The pile, session or channel the event is about. */
  subject: Hex
} & Stored<Followed>

export type StoredTerms = Extract<StoredEvent, { eventName: 'PileTermsChanged' }>['args']['terms']

/** topic0 of every followed event: `eth_getLogs` returns only those, not the funds events. */
export const followedTopics: Hex[] = [
  ...new Set(
    [...pileRegistryAbi, ...sessionEscrowAbi, ...paymentChannelsAbi].flatMap((item) =>
      item.type === 'event' && item.name !== 'Credited' && item.name !== 'Withdrawn'
        ? [toEventSelector(item)]
        : [],
    ),
  ),
]

export function followedAddresses(deployment: Deployment): Hex[] {
  const { pileRegistry, sessionEscrow, paymentChannels } = deployment.contracts
  return [pileRegistry, sessionEscrow, paymentChannels]
}

/** Chain order. */
export function compareEvents(a: StoredEvent, b: StoredEvent): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex
}

/** A decoded value in its stored form: bigints as decimal strings, hex in lower case. */
export function jsonify(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') return value.startsWith('0x') ? value.toLowerCase() : value
  if (Array.isArray(value)) return value.map(jsonify)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonify(item)]))
  return value
}
