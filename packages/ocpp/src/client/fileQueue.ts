import { type FileHandle, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { crc32 } from 'node:zlib'
import { OcppClientError } from '../errors.js'
import { type OcppQueue, type QueuedMessage, QueueState } from './queue.js'

// A queue that survives a restart, written the way agent-core's journal is: one JSON line per record, each fsync'd
// before the call resolves, `{"crc":"<crc32 of record>","record":<record>}`. A crash can only tear the line being
// written, so a damaged last line is dropped on open (as if that call never happened); damage elsewhere is refused.
// Records: a message added, or delivered (with the transactionId a StartTransaction got). Once it holds
// `compactAfter` records it is rewritten, atomically, as what is still pending.

type Record =
  | { t: 'add'; message: QueuedMessage }
  | { t: 'done'; seq: number; ref?: string; transactionId?: number }
  /** Written by compaction: transactionIds still needed. */
  | { t: 'tx'; ref: string; transactionId: number }

function encode(record: Record): string {
  const body = JSON.stringify(record)
  return `{"crc":"${crc32(body).toString(16).padStart(8, '0')}","record":${body}}\n`
}

const prefix = '{"crc":"'
const bodyStart = prefix.length + 8 + '","record":'.length

function decode(line: string): Record | undefined {
  if (!line.startsWith(prefix) || !line.endsWith('}')) return undefined
  const body = line.slice(bodyStart, -1)
  if (crc32(body).toString(16).padStart(8, '0') !== line.slice(prefix.length, prefix.length + 8))
    return undefined
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

function apply(state: QueueState, record: Record): void {
  if (record.t === 'add') state.add(record.message)
  else if (record.t === 'tx') state.transactions.set(record.ref, record.transactionId)
  else
    state.deliver(
      record.seq,
      record.ref !== undefined && record.transactionId !== undefined
        ? { ref: record.ref, transactionId: record.transactionId }
        : undefined,
    )
}

async function load(
  path: string,
  state: QueueState,
): Promise<{ records: number; goodBytes: number; size: number }> {
  let buffer: Buffer
  try {
    buffer = await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: 0, goodBytes: 0, size: 0 }
    throw new OcppClientError(`Cannot read the OCPP queue ${path}; check the file's permissions.`, {
      cause: error,
    })
  }
  let offset = 0
  let records = 0
  while (offset < buffer.length) {
    const end = buffer.indexOf(0x0a, offset)
    const record = end === -1 ? undefined : decode(buffer.toString('utf8', offset, end))
    if (!record) {
      if (end === -1 || end === buffer.length - 1) break // torn by a crash mid-write: drop it
      throw new OcppClientError(
        `The OCPP queue ${path} is damaged at byte ${offset}; move it away to start fresh.`,
      )
    }
    apply(state, record)
    records++
    offset = end + 1
  }
  return { records, goodBytes: offset, size: buffer.length }
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(dirname(path), 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
}

export interface FileQueueOptions {
  /** Rewrite the file as what is pending once it holds this many records. Default 1000. */
  compactAfter?: number
}

/** Opens (or creates) the queue file at `path`; one process at a time. */
export async function openFileQueue(path: string, options: FileQueueOptions = {}): Promise<OcppQueue> {
  const { compactAfter = 1000 } = options
  const state = new QueueState()
  const loaded = await load(path, state)
  let records = loaded.records
  let handle: FileHandle = await open(path, 'a')
  if (loaded.goodBytes < loaded.size) {
    await handle.truncate(loaded.goodBytes)
    await handle.sync()
  }
  if (loaded.size === 0) await syncDirectory(path)
  let closed = false
  // Writes are serialised so records land in the order the calls were made.
  let tail: Promise<unknown> = Promise.resolve()
  const serialise = <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task)
    tail = result.catch(() => {})
    return result
  }

  async function write(record: Record): Promise<void> {
    if (closed) throw new OcppClientError(`The OCPP queue ${path} is closed.`)
    try {
      await handle.write(encode(record))
      await handle.datasync()
    } catch (error) {
      throw new OcppClientError(`Cannot write the OCPP queue ${path}; check free disk space.`, {
        cause: error,
      })
    }
    apply(state, record)
    if (++records >= compactAfter) await compact()
  }

  async function compact(): Promise<void> {
    const temporary = `${path}.compact`
    const { messages, transactions } = state.contents()
    const lines = [
      ...[...transactions].map(([ref, transactionId]) => encode({ t: 'tx', ref, transactionId })),
      ...messages.map((message) => encode({ t: 'add', message })),
    ]
    const file = await open(temporary, 'w')
    try {
      await file.writeFile(lines.join(''))
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path).catch(async (error: unknown) => {
      await rm(temporary, { force: true })
      throw error
    })
    await syncDirectory(path)
    await handle.close()
    handle = await open(path, 'a')
    records = lines.length
  }

  return {
    async load() {
      return state.contents()
    },
    append(message) {
      return serialise(async () => {
        const queued: QueuedMessage = { ...message, seq: state.lastSeq + 1 }
        await write({ t: 'add', message: queued })
        return queued
      })
    },
    delivered(seq, learned) {
      return serialise(() => write({ t: 'done', seq, ...(learned ?? {}) }))
    },
    close() {
      return serialise(async () => {
        if (closed) return
        closed = true
        await handle.close()
      })
    },
  }
}
