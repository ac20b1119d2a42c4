import { StaleChannelVoucherError } from '../errors.js'
import type { ChannelEntry, ChannelSettlePolicy, ChannelSettler, ChannelVoucherRecord } from './types.js'

/** The ledger's pure bookkeeping, shared by the in-memory and the file ledgers. */
export function applyVoucher(
  entry: ChannelEntry | undefined,
  voucher: ChannelVoucherRecord,
  sessionId: string,
): ChannelEntry {
  if (entry && voucher.cumulativeAmount < entry.cumulativeAmount)
    throw new StaleChannelVoucherError(voucher.channelId, voucher.cumulativeAmount, entry.cumulativeAmount)
  const sameSession = entry?.lastSessionId === sessionId
  return {
    ...voucher,
    settledAmount: entry?.settledAmount ?? 0n,
    sessionsSinceSettle: (entry?.sessionsSinceSettle ?? 0) + (sameSession ? 0 : 1),
    lastSessionId: sessionId,
    ...(entry?.settleTx ? { settleTx: entry.settleTx } : {}),
  }
}

export function isSettleDue(entry: ChannelEntry, policy: ChannelSettlePolicy): boolean {
  const unsettled = entry.cumulativeAmount - entry.settledAmount
  if (unsettled <= 0n) return false
  return entry.sessionsSinceSettle >= policy.everySessions || unsettled >= policy.minAmount
}

export async function settleEntry(entry: ChannelEntry, settle: ChannelSettler): Promise<ChannelEntry> {
  const hash = await settle(entry)
  return {
    ...entry,
    settledAmount: entry.cumulativeAmount,
    sessionsSinceSettle: 0,
    ...(hash ? { settleTx: hash } : {}),
  }
}
