import { defined } from '@chargechain/errors'
import { describe, expect, it } from 'vitest'
import { type DecoderEvent, FrameDecoder } from './decoder.js'
import {
  FrameCrcError,
  FrameEncodeError,
  FrameGarbageError,
  FrameOversizeError,
  FrameTruncatedError,
  FrameVersionError,
} from './errors.js'
import { encodeFrame, type Frame, frameCrc, frameLength, PROTOCOL_VERSION } from './frame.js'
import { chunked, concat } from './testing.js'

const frame = (seq: number, payload: number[] = [seq, seq + 1, 0xcc, 0x5a]): Frame => ({
  typeId: 0x31,
  seq,
  ack: seq - 1,
  payload: Uint8Array.from(payload),
})

function decodeAll(chunks: Uint8Array[], decoder = new FrameDecoder()): DecoderEvent[] {
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.flush()]
}
const framesOf = (events: DecoderEvent[]) =>
  events.flatMap((event) => (event.type === 'frame' ? [event.frame] : []))
const errorsOf = (events: DecoderEvent[]) =>
  events.flatMap((event) => (event.type === 'error' ? [event.error] : []))

describe('frame codec', () => {
  it('uses CRC-16/CCITT-FALSE', () => {
    expect(frameCrc(new TextEncoder().encode('123456789'))).toBe(0x29b1)
  })

  it('lays a frame out as sync, version, type, seq, ack, length, payload, CRC', () => {
    const bytes = encodeFrame({ typeId: 0x10, seq: 1, ack: 0, payload: Uint8Array.of(0xab) })
    expect([...bytes.subarray(0, 8)]).toEqual([0xcc, 0x5a, PROTOCOL_VERSION, 0x10, 1, 0, 1, 0xab])
    expect(bytes.length).toBe(frameLength(1))
    expect(frameLength(0)).toBe(9)
    expect(frameLength(200)).toBe(210)
  })

  it('refuses to encode a frame with out-of-range header fields', () => {
    expect(() => encodeFrame({ ...frame(1), seq: 256 })).toThrow(FrameEncodeError)
    expect(() => encodeFrame({ ...frame(1), payload: new Uint8Array(0x4000) })).toThrow(FrameEncodeError)
  })
})

describe('FrameDecoder', () => {
  const first = frame(1)
  const second = frame(2, new Array(200).fill(0xcc))
  const third = frame(3, [])
  const frames = [first, second, third]
  const stream = concat(frames.map(encodeFrame))

  it('decodes frames, including 2-byte lengths and payloads full of sync bytes', () => {
    const events = decodeAll([stream])
    expect(framesOf(events)).toEqual(frames)
    expect(errorsOf(events)).toEqual([])
  })

  it('decodes the same frames fed one byte at a time', () => {
    expect(framesOf(decodeAll(chunked(stream, [...stream.keys()])))).toEqual(frames)
  })

  it('decodes the same frames split at every single position', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const events = decodeAll(chunked(stream, [cut]))
      expect(framesOf(events), `cut at ${cut}`).toEqual(frames)
      expect(errorsOf(events)).toEqual([])
    }
  })

  it('skips garbage before, between and after frames and reports how much', () => {
    const noisy = concat([
      Uint8Array.of(0x00, 0xff, 0xcc, 0x13),
      encodeFrame(first),
      Uint8Array.of(0xcc),
      encodeFrame(third),
      Uint8Array.of(0x7e, 0x7e),
    ])
    const events = decodeAll(chunked(noisy, [3, 9, 15]))
    expect(framesOf(events)).toEqual([first, third])
    const skipped = errorsOf(events).map((error) => {
      expect(error).toBeInstanceOf(FrameGarbageError)
      return (error as FrameGarbageError).skipped
    })
    expect(skipped.reduce((a, b) => a + b, 0)).toBe(7)
  })

  it('reports a flipped bit as a CRC error and recovers the next frame', () => {
    const bytes = stream.slice()
    bytes[9] = defined(stream[9], 'byte 9 of the stream') ^ 0x10
    const events = decodeAll([bytes])
    expect(framesOf(events)).toEqual(frames.slice(1))
    expect(errorsOf(events)[0]).toBeInstanceOf(FrameCrcError)
  })

  it('recovers after a lost byte', () => {
    const bytes = concat([stream.subarray(0, 4), stream.subarray(5)])
    const events = decodeAll(chunked(bytes, [2, 50, 100]))
    expect(framesOf(events)).toEqual(frames.slice(1))
    expect(errorsOf(events).length).toBeGreaterThan(0)
  })

  it('finds a whole frame inside the announced length of a cut-off one', () => {
    const cut = encodeFrame(second).subarray(0, 40)
    const events = decodeAll([concat([cut, encodeFrame(first), encodeFrame(third)])])
    expect(framesOf(events)).toEqual([first, third])
    expect(errorsOf(events).some((error) => error instanceof FrameTruncatedError)).toBe(true)
  })

  it('reports an unknown version', () => {
    const bytes = encodeFrame(first)
    bytes[2] = 9
    const events = decodeAll([concat([bytes, encodeFrame(third)])])
    expect(errorsOf(events)[0]).toBeInstanceOf(FrameVersionError)
    expect((errorsOf(events)[0] as FrameVersionError).version).toBe(9)
    expect(framesOf(events)).toEqual([third])
  })

  it('reports an oversize length at once instead of waiting for it', () => {
    const decoder = new FrameDecoder({ maxPayload: 64 })
    const events = decoder.push(
      concat([Uint8Array.of(0xcc, 0x5a, PROTOCOL_VERSION, 0x31, 1, 0, 0x81, 0x01), encodeFrame(frame(4))]),
    )
    expect(errorsOf(events)[0]).toBeInstanceOf(FrameOversizeError)
    expect((errorsOf(events)[0] as FrameOversizeError).length).toBe(129)
    expect(framesOf(events)).toEqual([frame(4)])
  })

  it('holds a partial frame and reports it as truncated on flush', () => {
    const decoder = new FrameDecoder()
    expect(decoder.push(encodeFrame(first).subarray(0, 6))).toEqual([])
    expect(decoder.buffered).toBe(6)
    const events = decoder.flush()
    expect(errorsOf(events)[0]).toBeInstanceOf(FrameTruncatedError)
    expect(decoder.buffered).toBe(0)
  })
})
