// Reading an agent's journal from outside, without opening it (opening would repair a torn last line).
import { readFile, truncate } from 'node:fs/promises'
import type { ChannelEntry, PileSnapshot } from '@chargechain/pile'
import type { VehicleSnapshot } from '@chargechain/vehicle'

export interface StoredRecord<Value> {
  seq: number
  /** Epoch ms of the write. */
  at: number
  value: Value
}

/** Bigints travel as `{ "$bigint": "…" }` in journal lines. */
function revive(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const digits = (value as Record<string, unknown>).$bigint
    if (typeof digits === 'string' && Object.keys(value).length === 1) return BigInt(digits)
  }
  return value
}

/** Every whole record, oldest first; a torn last line (a write cut short) is left out, as the agent would. */
export async function readRecords<Value>(path: string): Promise<StoredRecord<Value>[]> {
  const text = await readFile(path, 'utf8').catch(() => '')
  const records: StoredRecord<Value>[] = []
  for (const line of text.split('\n')) {
    if (!line) continue
    try {
      const { record } = JSON.parse(line, revive) as { record: StoredRecord<Value> }
      records.push(record)
    } catch {
      // Only the last line can be torn; the agent drops it on open.
    }
  }
  return records
}

export const carRecords = (path: string) => readRecords<VehicleSnapshot>(path)
export const pileRecords = (path: string) => readRecords<PileSnapshot>(path)

/** The channel ledger's entry for a channel, as last stored. */
export async function ledgerEntry(path: string, channelId: string): Promise<ChannelEntry | undefined> {
  const last = (await readRecords<ChannelEntry[]>(path)).at(-1)
  return last?.value.find((entry) => entry.channelId.toLowerCase() === channelId.toLowerCase())
}

/** Lines in the file: one per record written (the last maybe torn). */
export async function countLines(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '')
  let lines = 0
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++
  return lines
}

/**
 * Cuts the journal's last record in half, as a power cut in the middle of its write leaves it. Returns the torn
 * record's sequence number.
 */
export async function tearLastRecord(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8')
  const end = text.endsWith('\n') ? text.length - 1 : text.length
  const start = text.lastIndexOf('\n', end - 1) + 1
  const last = (await readRecords<unknown>(path)).at(-1)
  await truncate(path, Buffer.byteLength(text.slice(0, start + Math.floor((end - start) / 2))))
  return last?.seq
}
