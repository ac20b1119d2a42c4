import { type FileHandle, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { crc32 } from 'node:zlib'
import { JournalClosedError, JournalCorruptError, JournalIoError } from './errors.js'
import type { JournalSchema } from './journalSchema.js'
import { decodeJson, encodeJson } from './json.js'

/** One journal entry as stored: a sequence number, when it was written, and the caller's value. */
export interface JournalRecord<Value> {
  readonly seq: number
  /** Epoch ms at which the record was written. */
  readonly at: number
  readonly value: Value
}

export interface JournalOptions {
  /** Rewrite the file down to its last record once it holds this many records. Default 1000. */
  compactAfter?: number
  /** Clock for the records' `at`. Default `Date.now`. */
  now?: () => number
}

/**
 * An append-only, crash-safe journal: one JSON line per record, each fsync'd before `append()` resolves.
 *
 * Each line is `{"crc":"<crc32 of record>","record":<record>}`; the CRC covers the exact bytes of `record`, which is
 * `{"seq","at","schema","version","value"}` (records written before journals were versioned lack `schema` and
 * `version`, and read as version 1). A crash can
 * only tear the line being written, so a damaged *last* line is dropped on open (and cut from the file) as if that
 * append never happened; damage anywhere else is reported as `JournalCorruptError`. Only one process may write a
 * journal at a time.
 */
export interface Journal<Value> {
  readonly path: string
  /** The last consistent record, or `undefined` for a new journal: where a restarted agent resumes. */
  replay(): JournalRecord<Value> | undefined
  /** Appends a record and resolves once it is on disk. */
  append(value: Value): Promise<JournalRecord<Value>>
  /** Replaces the file, atomically, with one holding only the last record. Sequence numbers continue. */
  compact(): Promise<void>
  /** Bytes of a torn last line dropped when the journal was opened (0 after a clean shutdown). */
  readonly droppedBytes: number
  close(): Promise<void>
}

const PREFIX = '{"crc":"'
const CRC_LENGTH = 8
const RECORD_START = PREFIX.length + CRC_LENGTH + '","record":'.length

/** A record as stored: the caller's record, and the schema and version its value was written at. */
interface StoredRecord extends JournalRecord<unknown> {
  readonly schema?: string
  readonly version?: number
}

function encodeLine(record: StoredRecord): string {
  const body = encodeJson(record)
  const crc = crc32(body).toString(16).padStart(CRC_LENGTH, '0')
  return `${PREFIX}${crc}","record":${body}}\n`
}

/** Parses one line (without its newline); `undefined` if it is damaged in any way. */
function decodeLine(line: string): StoredRecord | undefined {
  if (!line.startsWith(PREFIX) || !line.endsWith('}')) return undefined
  const crc = line.slice(PREFIX.length, PREFIX.length + CRC_LENGTH)
  const body = line.slice(RECORD_START, -1)
  if (crc32(body).toString(16).padStart(CRC_LENGTH, '0') !== crc) return undefined
  try {
    const record = decodeJson(body) as StoredRecord
    const wellFormed =
      Number.isSafeInteger(record.seq) &&
      typeof record.at === 'number' &&
      (record.schema === undefined || typeof record.schema === 'string') &&
      (record.version === undefined || (Number.isSafeInteger(record.version) && record.version >= 1))
    return wellFormed ? record : undefined
  } catch {
    return undefined
  }
}

interface Loaded {
  last: StoredRecord | undefined
  count: number
  goodBytes: number
  droppedBytes: number
}

async function load(path: string): Promise<Loaded | undefined> {
  let buffer: Buffer
  try {
    buffer = await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new JournalIoError(`Cannot read journal ${path}; check the file's permissions.`, { cause: error })
  }
  let last: StoredRecord | undefined
  let count = 0
  let offset = 0
  while (offset < buffer.length) {
    const end = buffer.indexOf(0x0a, offset)
    const record = end === -1 ? undefined : decodeLine(buffer.toString('utf8', offset, end))
    if (!record || (last && record.seq !== last.seq + 1)) {
      const isLastLine = end === -1 || end === buffer.length - 1
      if (isLastLine && record === undefined) break // torn by a crash mid-append: drop it
      throw new JournalCorruptError(
        `Journal ${path} is damaged at byte ${offset} (record ${count + 1}); move the file away to start fresh.`,
        {
          details: record
            ? `sequence ${record.seq} follows ${last?.seq}`
            : 'line fails its CRC or is not JSON',
        },
      )
    }
    last = record
    count++
    offset = end + 1
  }
  return { last, count, goodBytes: offset, droppedBytes: buffer.length - offset }
}

/** Makes a created or renamed file's directory entry durable, not only its contents. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(dirname(path), 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
}

/**
 * Opens the journal at `path`, creating it if need be. Its last record is read through `schema`: migrated if an older
 * version wrote it, refused (`JournalVersionError`) if another schema or a newer version did.
 */
export async function openJournal<Value>(
  path: string,
  schema: JournalSchema<Value>,
  options: JournalOptions = {},
): Promise<Journal<Value>> {
  const { compactAfter = 1_000, now = Date.now } = options
  const loaded = await load(path)
  const stored = loaded?.last
  let last: JournalRecord<Value> | undefined = stored && {
    seq: stored.seq,
    at: stored.at,
    value: schema.read(stored.value, { schema: stored.schema, version: stored.version ?? 1 }, path),
  }
  const encode = (record: JournalRecord<Value>) =>
    encodeLine({
      seq: record.seq,
      at: record.at,
      schema: schema.name,
      version: schema.version,
      value: record.value,
    })
  let handle: FileHandle
  try {
    handle = await open(path, 'a')
    if (loaded && loaded.droppedBytes > 0) {
      await handle.truncate(loaded.goodBytes)
      await handle.sync()
    }
    if (!loaded) await syncDirectory(path)
  } catch (error) {
    throw new JournalIoError(
      `Cannot open journal ${path} for writing; check the directory exists and is writable.`,
      {
        cause: error,
      },
    )
  }

  let count = loaded?.count ?? 0
  let closed = false
  // Appends are serialised so records land in sequence order even if callers do not await each other.
  let queue: Promise<unknown> = Promise.resolve()
  const serialise = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task)
    queue = result.catch(() => {})
    return result
  }
  const ensureOpen = () => {
    if (closed) throw new JournalClosedError(`Journal ${path} is closed; open it again to write.`)
  }

  const compactNow = async () => {
    if (!last) return
    const temporary = `${path}.compact`
    try {
      const file = await open(temporary, 'w')
      try {
        await file.writeFile(encode(last))
        await file.sync()
      } finally {
        await file.close()
      }
      await rename(temporary, path)
      await syncDirectory(path)
      await handle.close()
      handle = await open(path, 'a')
      count = 1
    } catch (error) {
      await rm(temporary, { force: true })
      throw new JournalIoError(`Cannot compact journal ${path}; check free disk space.`, { cause: error })
    }
  }

  return {
    path,
    droppedBytes: loaded?.droppedBytes ?? 0,
    replay: () => last,
    append(value) {
      return serialise(async () => {
        ensureOpen()
        const record: JournalRecord<Value> = { seq: (last?.seq ?? 0) + 1, at: now(), value }
        const line = encode(record)
        try {
          await handle.write(line)
          await handle.datasync()
        } catch (error) {
          throw new JournalIoError(`Cannot append to journal ${path}; check free disk space.`, {
            cause: error,
          })
        }
        last = record
        count++
        if (count > compactAfter) await compactNow()
        return record
      })
    },
    compact: () =>
      serialise(async () => {
        ensureOpen()
        await compactNow()
      }),
    close: () =>
      serialise(async () => {
        if (closed) return
        closed = true
        await handle.close()
      }),
  }
}
