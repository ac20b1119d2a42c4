import type { Hex } from 'viem'
import { applyVoucher, isSettleDue, settleEntry } from './policy.js'
import type { ChannelEntry, ChannelLedger, ChannelSettlePolicy, ChannelSettler } from './types.js'

export interface ChannelLedgerOptions {
  policy: ChannelSettlePolicy
  settle: ChannelSettler
}

/** A ledger in memory, for the piles of one process (the simulator). Calls are serialised. */
export function createMemoryChannelLedger(options: ChannelLedgerOptions): ChannelLedger {
  return createLedger(options, new Map(), async () => {})
}

/** The ledger logic over a map; `persist` makes each change durable before the call resolves. */
export function createLedger(
  { policy, settle }: ChannelLedgerOptions,
  entries: Map<Hex, ChannelEntry>,
  persist: (entries: Map<Hex, ChannelEntry>) => Promise<void>,
  close: () => Promise<void> = async () => {},
): ChannelLedger {
  let queue: Promise<unknown> = Promise.resolve()
  const serialise = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task)
    queue = result.catch(() => {})
    return result
  }
  const key = (channelId: Hex) => channelId.toLowerCase() as Hex
  const settleAndStore = async (entry: ChannelEntry) => {
    const settled = await settleEntry(entry, settle)
    entries.set(key(entry.channelId), settled)
    await persist(entries)
    return settled
  }

  return {
    get: (channelId) => serialise(async () => entries.get(key(channelId))),
    record: (voucher, sessionId) =>
      serialise(async () => {
        const entry = applyVoucher(entries.get(key(voucher.channelId)), voucher, sessionId)
        entries.set(key(voucher.channelId), entry)
        await persist(entries)
        return isSettleDue(entry, policy) ? settleAndStore(entry) : entry
      }),
    settleAll: () =>
      serialise(async () => {
        for (const entry of [...entries.values()]) {
          if (entry.cumulativeAmount > entry.settledAmount) await settleAndStore(entry)
        }
      }),
    close: () => serialise(close),
  }
}
