import {
  FrameCrcError,
  type FrameDecodeError,
  FrameGarbageError,
  FrameOversizeError,
  FrameTruncatedError,
  FrameVersionError,
} from './errors.js'
import {
  CRC_LENGTH,
  DEFAULT_MAX_PAYLOAD,
  FIXED_HEADER_LENGTH,
  type Frame,
  frameCrc,
  LENGTH_LIMIT,
  PROTOCOL_VERSION,
  SYNC_FIRST,
  SYNC_SECOND,
} from './frame.js'

export type DecoderEvent = { type: 'frame'; frame: Frame } | { type: 'error'; error: FrameDecodeError }

export type FrameDecoderOptions = {
  /** Larger announced payloads are reported as FrameOversizeError and treated as noise. */
  maxPayload?: number
}

/**
 * A push decoder in the manner of node-serialport's parsers: feed it chunks split anywhere, get back whole frames and
 * typed problems. It never throws on input. After any bad candidate it slides one byte past that candidate's sync and
 * scans again, so a frame hiding inside garbage or inside the announced length of a cut-off frame is still found.
 */
export class FrameDecoder {
  readonly #maxPayload: number
  #buffer = new Uint8Array(0)
  #garbage = 0

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxPayload = Math.min(options.maxPayload ?? DEFAULT_MAX_PAYLOAD, LENGTH_LIMIT)
  }

  /** Bytes held while waiting for the rest of a frame. */
  get buffered(): number {
    return this.#buffer.length
  }

  push(chunk: Uint8Array): DecoderEvent[] {
    if (chunk.length === 0) return []
    const joined = new Uint8Array(this.#buffer.length + chunk.length)
    joined.set(this.#buffer, 0)
    joined.set(chunk, this.#buffer.length)
    this.#buffer = joined
    return this.#drain(false)
  }

  /** The stream ended or went quiet: whatever is held can no longer become a frame. */
  flush(): DecoderEvent[] {
    return this.#drain(true)
  }

  #drain(final: boolean): DecoderEvent[] {
    const events: DecoderEvent[] = []
    const buffer = this.#buffer
    // Reads at offsets the length checks below have proved in range; a DataView says so in the types.
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    const reportGarbage = () => {
      if (this.#garbage === 0) return
      events.push({ type: 'error', error: new FrameGarbageError(this.#garbage) })
      this.#garbage = 0
    }
    const reject = (error: FrameDecodeError) => {
      reportGarbage()
      events.push({ type: 'error', error })
    }
    let position = 0
    while (position < buffer.length) {
      const start = findSync(buffer, position)
      if (start === -1) {
        // A lone first sync byte at the very end may be the start of the next frame.
        const keep = !final && buffer[buffer.length - 1] === SYNC_FIRST ? 1 : 0
        this.#garbage += buffer.length - keep - position
        position = buffer.length - keep
        break
      }
      this.#garbage += start - position
      position = start
      const available = buffer.length - start
      if (available <= FIXED_HEADER_LENGTH) {
        if (!final) break
        reject(new FrameTruncatedError(available))
        position = start + 1
        continue
      }
      const version = view.getUint8(start + 2)
      if (version !== PROTOCOL_VERSION) {
        reject(new FrameVersionError(version, PROTOCOL_VERSION))
        position = start + 1
        continue
      }
      const header = readLength(buffer, start + FIXED_HEADER_LENGTH)
      if (header === 'incomplete') {
        if (!final) break
        reject(new FrameTruncatedError(available))
        position = start + 1
        continue
      }
      if (header === 'overlong' || header.length > this.#maxPayload) {
        reject(
          new FrameOversizeError(header === 'overlong' ? LENGTH_LIMIT + 1 : header.length, this.#maxPayload),
        )
        position = start + 1
        continue
      }
      const payloadStart = start + FIXED_HEADER_LENGTH + header.size
      const end = payloadStart + header.length + CRC_LENGTH
      if (end > buffer.length) {
        if (!final) break
        reject(new FrameTruncatedError(available))
        position = start + 1
        continue
      }
      const expected = frameCrc(buffer.subarray(start + 2, end - CRC_LENGTH))
      const actual = view.getUint16(end - CRC_LENGTH)
      if (expected !== actual) {
        reject(new FrameCrcError(expected, actual))
        position = start + 1
        continue
      }
      reportGarbage()
      events.push({
        type: 'frame',
        frame: {
          typeId: view.getUint8(start + 3),
          seq: view.getUint8(start + 4),
          ack: view.getUint8(start + 5),
          payload: buffer.slice(payloadStart, payloadStart + header.length),
        },
      })
      position = end
    }
    reportGarbage()
    this.#buffer = buffer.slice(position)
    return events
  }
}

function findSync(buffer: Uint8Array, from: number): number {
  for (
    let index = buffer.indexOf(SYNC_FIRST, from);
    index !== -1;
    index = buffer.indexOf(SYNC_FIRST, index + 1)
  ) {
    if (index + 1 >= buffer.length) return -1
    if (buffer[index + 1] === SYNC_SECOND) return index
  }
  return -1
}

function readLength(
  buffer: Uint8Array,
  offset: number,
): { length: number; size: number } | 'incomplete' | 'overlong' {
  const first = buffer[offset]
  if (first === undefined) return 'incomplete'
  if ((first & 0x80) === 0) return { length: first, size: 1 }
  const second = buffer[offset + 1]
  if (second === undefined) return 'incomplete'
  if ((second & 0x80) !== 0) return 'overlong'
  return { length: (first & 0x7f) | (second << 7), size: 2 }
}
