import { defineJournalSchema, type Journal, openJournal } from '@chargechain/agent-core'
import type { Hex } from 'viem'
import { ChannelLedgerError } from '../errors.js'
import { type ChannelLedgerOptions, createLedger } from './memory.js'
import type { ChannelEntry, ChannelLedger } from './types.js'

const ledgerJournal = defineJournalSchema<ChannelEntry[]>({ name: 'channel-ledger', version: 1 })

/**
 * A ledger kept in a journal file (fsync'd, CRC per line, compacted), for a single pile that is its own operator.
 * Each change stores the whole table: a pile sees a handful of channels, and a torn write loses only the last change.
 */
export async function openFileChannelLedger(
  path: string,
  options: ChannelLedgerOptions,
): Promise<ChannelLedger> {
  let journal: Journal<ChannelEntry[]>
  try {
    journal = await openJournal(path, ledgerJournal, { compactAfter: 200 })
  } catch (error) {
    throw new ChannelLedgerError(
      `Cannot open the channel ledger ${path}; check the path and its permissions.`,
      {
        cause: error,
      },
    )
  }
  const stored = journal.replay()?.value ?? []
  const entries = new Map<Hex, ChannelEntry>(
    stored.map((entry) => [entry.channelId.toLowerCase() as Hex, entry]),
  )
  return createLedger(
    options,
    entries,
    async (current) => {
      await journal.append([...current.values()])
    },
    () => journal.close(),
  )
}
