import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type DecoderEvent, FrameDecoder } from './decoder.js'
import {
  FrameCrcError,
  FrameGarbageError,
  FrameOversizeError,
  FrameTruncatedError,
  FrameVersionError,
  MessageFieldError,
  UnknownMessageTypeError,
} from './errors.js'
import { encodeFrame, type Frame } from './frame.js'
import { decodeMessage, encodeMessage } from './messages/codecs.js'
import { sampleMessages } from './messages/fixtures.js'
import { chunked, concat } from './testing.js'

const frameErrors = [
  FrameGarbageError,
  FrameVersionError,
  FrameOversizeError,
  FrameCrcError,
  FrameTruncatedError,
]

function decodeChunks(chunks: Uint8Array[]): DecoderEvent[] {
  const decoder = new FrameDecoder()
  const events = [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.flush()]
  expect(decoder.buffered).toBe(0)
  return events
}

/** Every event is a frame whose message decodes or fails with a typed error, or a typed frame error. */
function expectOnlyTypedOutcomes(events: DecoderEvent[]): void {
  for (const event of events) {
    if (event.type === 'error') {
      expect(frameErrors.some((errorClass) => event.error instanceof errorClass)).toBe(true)
      continue
    }
    try {
      decodeMessage(event.frame.typeId, event.frame.payload)
    } catch (error) {
      expect(error instanceof MessageFieldError || error instanceof UnknownMessageTypeError).toBe(true)
    }
  }
}

function isSubsequence(needles: Frame[], haystack: Frame[]): boolean {
  let index = 0
  for (const frame of haystack) {
    const needle = needles[index]
    if (needle !== undefined && sameFrame(frame, needle)) index++
  }
  return index === needles.length
}
const sameFrame = (a: Frame, b: Frame) =>
  a.typeId === b.typeId && a.seq === b.seq && a.ack === b.ack && Buffer.from(a.payload).equals(b.payload)

const arbitraryFrame: fc.Arbitrary<Frame> = fc
  .record({
    message: fc.constantFrom(...sampleMessages),
    seq: fc.integer({ min: 1, max: 255 }),
    ack: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ message, seq, ack }) => ({ ...encodeMessage(message), seq, ack }))

const cuts = fc.array(fc.nat({ max: 2_000 }), { maxLength: 30 })

describe('FrameDecoder properties', () => {
  it('never throws on random bytes in random chunks, and only reports typed outcomes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1_500 }), cuts, (bytes, cutPoints) => {
        expectOnlyTypedOutcomes(decodeChunks(chunked(bytes, cutPoints)))
      }),
      { numRuns: 300 },
    )
  })

  it('recovers every valid frame surrounded by garbage', () => {
    const garbage = fc.uint8Array({ maxLength: 60 })
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbage, arbitraryFrame), { minLength: 1, maxLength: 8 }),
        garbage,
        cuts,
        (parts, tail, cutPoints) => {
          const frames = parts.map(([, frame]) => frame)
          const stream = concat([...parts.flatMap(([noise, frame]) => [noise, encodeFrame(frame)]), tail])
          const events = decodeChunks(chunked(stream, cutPoints))
          expectOnlyTypedOutcomes(events)
          const decoded = events.flatMap((event) => (event.type === 'frame' ? [event.frame] : []))
          expect(isSubsequence(frames, decoded)).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('survives flips, drops, insertions and truncation: untouched frames come through, damage is reported', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
    )
    fc.assert(
      fc.property(
        fc.array(arbitraryFrame, { minLength: 1, maxLength: 8 }),
        fc.array(mutation, { maxLength: 6 }),
        fc.option(fc.nat()),
        cuts,
        (frames, mutations, truncateAt, cutPoints) => {
          const encoded = frames.map((frame) => ({ frame, bytes: encodeFrame(frame) }))
          const original = concat(encoded.map(({ bytes }) => bytes))
          const flips = new Map<number, number>()
          const drops = new Set<number>()
          const inserts = new Map<number, number[]>()
          for (const change of mutations) {
            const at = change.at % original.length
            if (change.kind === 'flip') flips.set(at, (flips.get(at) ?? 0) ^ (1 << change.bit))
            else if (change.kind === 'drop') drops.add(at)
            else inserts.set(at, [...(inserts.get(at) ?? []), change.byte])
          }
          const end = truncateAt === null ? original.length : truncateAt % (original.length + 1)
          const out: number[] = []
          for (const [index, byte] of original.subarray(0, end).entries()) {
            out.push(...(inserts.get(index) ?? []))
            if (!drops.has(index)) out.push(byte ^ (flips.get(index) ?? 0))
          }
          // A frame is untouched if no change falls inside it (an insertion right before its first byte is outside).
          let start = 0
          const untouched: Frame[] = []
          for (const { frame, bytes } of encoded) {
            const stop = start + bytes.length
            let touched = stop > end
            for (let at = start; at < stop && !touched; at++)
              touched = drops.has(at) || (flips.get(at) ?? 0) !== 0 || (at > start && inserts.has(at))
            if (!touched) untouched.push(frame)
            start = stop
          }

          const events = decodeChunks(chunked(Uint8Array.from(out), cutPoints))
          expectOnlyTypedOutcomes(events)
          const decoded = events.flatMap((event) => (event.type === 'frame' ? [event.frame] : []))
          expect(isSubsequence(untouched, decoded)).toBe(true)
          if (untouched.length < frames.length && end === original.length) {
            expect(events.some((event) => event.type === 'error')).toBe(true)
          }
        },
      ),
      { numRuns: 400 },
    )
  })
})
