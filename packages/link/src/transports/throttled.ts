import { LinkOptionError } from '../errors.js'
import { createTransport, type LinkTransport } from './createTransport.js'

/** Per-byte probabilities of line faults, drawn from a seeded generator so a failing test can be replayed. */
export type LineFaults = {
  /** The byte never arrives. */
  drop?: number
  /** One random bit of the byte is inverted. */
  flip?: number
  /** The byte is replaced by a random one. */
  garble?: number
  seed?: number
}

export type ThrottledOptions = {
  /** 960 for 9600 baud 8N1: each byte is a start bit, 8 data bits and a stop bit, 10 bit times. */
  bytesPerSecond?: number
  faults?: LineFaults
  /** Longest a received byte is held before being handed over; real UART drivers also deliver in small bursts. */
  tickMs?: number
}

type Pending = { bytes: Uint8Array; startAt: number; delivered: number }

/**
 * Paces what is written to `transport` like a serial line: a write starts when the line is free and byte i of it
 * arrives at the peer (i + 1) byte times later. Timing is computed from absolute time, so timer jitter never
 * accumulates. Wrap both ends of a pair to pace both directions.
 */
export function throttled(transport: LinkTransport, options: ThrottledOptions = {}): LinkTransport {
  const bytesPerSecond = options.bytesPerSecond ?? 960
  if (!(bytesPerSecond > 0) || !Number.isFinite(bytesPerSecond))
    throw new LinkOptionError('bytesPerSecond', `must be a positive number, got ${bytesPerSecond}`)
  const faults = options.faults
  for (const key of ['drop', 'flip', 'garble'] as const) {
    const rate = faults?.[key]
    if (rate !== undefined && !(rate >= 0 && rate <= 1))
      throw new LinkOptionError(`faults.${key}`, `must be a probability 0…1, got ${rate}`)
  }
  const tickMs = options.tickMs ?? 4
  const byteMs = 1000 / bytesPerSecond
  const random = mulberry32(faults?.seed ?? 1)

  return createTransport(
    {
      key: 'throttled',
      name: `${transport.name} @ ${bytesPerSecond} B/s`,
      type: 'throttled',
      bytesPerSecond,
    },
    (sink) => {
      const queue: Pending[] = []
      let lineFreeAt = 0
      let timer: NodeJS.Timeout | undefined
      transport.onData((bytes) => sink.data(bytes))
      transport.onClose((cause) => {
        clearTimeout(timer)
        sink.closed(cause)
      })

      const pump = () => {
        timer = undefined
        const now = performance.now()
        for (let head = queue[0]; head !== undefined; head = queue[0]) {
          const due = Math.min(head.bytes.length, Math.floor((now - head.startAt) / byteMs + 1e-9))
          if (due > head.delivered) {
            const slice = head.bytes.subarray(head.delivered, due)
            head.delivered = due
            const faulty = applyFaults(slice, faults, random)
            if (faulty.length > 0 && !transport.closed) transport.write(faulty)
          }
          if (head.delivered < head.bytes.length) break
          queue.shift()
        }
        const head = queue[0]
        if (head) {
          const headDoneAt = head.startAt + head.bytes.length * byteMs
          timer = setTimeout(pump, Math.max(1, Math.min(headDoneAt - now, tickMs)))
        }
      }

      return {
        write(bytes) {
          const startAt = Math.max(performance.now(), lineFreeAt)
          lineFreeAt = startAt + bytes.length * byteMs
          queue.push({ bytes: bytes.slice(), startAt, delivered: 0 })
          if (timer === undefined)
            timer = setTimeout(pump, Math.max(1, Math.min(lineFreeAt - performance.now(), tickMs)))
        },
        close() {
          clearTimeout(timer)
          queue.length = 0
          return transport.close()
        },
      }
    },
  )
}

function applyFaults(bytes: Uint8Array, faults: LineFaults | undefined, random: () => number): Uint8Array {
  if (!faults) return bytes
  const out: number[] = []
  for (const byte of bytes) {
    if (faults.drop && random() < faults.drop) continue
    let value = byte
    if (faults.flip && random() < faults.flip) value ^= 1 << Math.floor(random() * 8)
    if (faults.garble && random() < faults.garble) value = Math.floor(random() * 256)
    out.push(value)
  }
  return Uint8Array.from(out)
}

/** Small seeded PRNG; faults must be reproducible, not secure. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
