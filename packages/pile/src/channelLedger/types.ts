import type { Address, Hash, Hex } from 'viem'

/** A car's signed channel voucher: cumulative over the channel's whole life, across every session at the operator. */
export interface ChannelVoucherRecord {
  channelId: Hex
  vehicle: Address
  cumulativeAmount: bigint
  /** 65-byte signature, as the contract takes it. */
  signature: Hex
}

/** What the operator knows of one channel. */
export interface ChannelEntry extends ChannelVoucherRecord {
  /** Cumulative amount already settled on chain. */
  settledAmount: bigint
  /** Sessions recorded since the last settlement. */
  sessionsSinceSettle: number
  /** The pile session that recorded last, so recording the same session again (a resumed agent) counts once. */
  lastSessionId: string
  settleTx?: Hash
}

/** When vouchers go on chain: after this many sessions, or once this much is unsettled, whichever comes first. */
export interface ChannelSettlePolicy {
  everySessions: number
  minAmount: bigint
}

/**
 * Sends the operator's settle transaction for a voucher (the operator's key, not the pile's: only the channel's
 * operator may settle) and resolves with its hash once mined. It must be idempotent: a voucher already settled on
 * chain resolves without a new transaction.
 */
export type ChannelSettler = (voucher: ChannelVoucherRecord) => Promise<Hash | undefined>

/**
 * The operator's latest voucher per channel, shared by the piles behind one payout. A pile accepts a car's channel
 * only if the car's cumulative base is at least what the ledger holds, and records each session's final voucher here;
 * the ledger settles on chain by its policy.
 */
export interface ChannelLedger {
  get(channelId: Hex): Promise<ChannelEntry | undefined>
  /**
   * Records a session's final voucher. Never lowers a channel's amount (`StaleChannelVoucherError`); recording the
   * same session again updates its amount without counting it twice. Settles the channel if the policy says so.
   */
  record(voucher: ChannelVoucherRecord, sessionId: string): Promise<ChannelEntry>
  /** Settles every channel with anything unsettled, whatever the policy (end of day, shutdown). */
  settleAll(): Promise<void>
  close(): Promise<void>
}
