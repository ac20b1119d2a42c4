// The slcan (Lawicel) codec. Breaks that fail it: keeping no `#pending` between chunks (frames cut across chunks are
// lost), or reading the length digit one place off (`body.charAt(idDigits + 1)`: every frame decodes as garbage).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeSlcanFrame, SlcanDecoder, type SlcanEvent, slcanCommands } from './slcan.js'

describe('slcan codec', () => {
  it('encodes standard, extended and remote frames as the adapters expect', () => {
    expect(
      encodeSlcanFrame({ id: 0x7df, extended: false, data: Uint8Array.of(2, 1, 0x5b, 0, 0, 0, 0, 0) }),
    ).toBe('t7DF802015B0000000000\r')
    expect(encodeSlcanFrame({ id: 0x18daf110, extended: true, data: Uint8Array.of(0xab) })).toBe(
      'T18DAF1101AB\r',
    )
    expect(encodeSlcanFrame({ id: 0x123, extended: false, data: new Uint8Array(2), remote: true })).toBe(
      'r1232\r',
    )
    expect(slcanCommands.bitrate(500_000)).toBe('S6\r')
    expect(() => encodeSlcanFrame({ id: 0x800, extended: false, data: new Uint8Array() })).toThrow(/11 bits/)
    expect(() => encodeSlcanFrame({ id: 1, extended: false, data: new Uint8Array(9) })).toThrow(
      /at most 8 bytes/,
    )
  })

  it('decodes frames, answers and errors however the stream is cut', () => {
    const stream = '\rz\rt7E8804415B66AAAAAAAA\r\x07T18DAF1102ABCD\rt1230\rV1013\rt7E8203411234\r'
    const expected: SlcanEvent[] = [
      { type: 'ok' },
      { type: 'sent' },
      {
        type: 'frame',
        frame: {
          id: 0x7e8,
          extended: false,
          data: Uint8Array.of(4, 0x41, 0x5b, 0x66, 0xaa, 0xaa, 0xaa, 0xaa),
        },
      },
      { type: 'error' },
      { type: 'frame', frame: { id: 0x18daf110, extended: true, data: Uint8Array.of(0xab, 0xcd) } },
      { type: 'frame', frame: { id: 0x123, extended: false, data: new Uint8Array() } },
      { type: 'version', text: '1013' },
      // With timestamps on (Z1), four hex digits follow the data.
      { type: 'frame', frame: { id: 0x7e8, extended: false, data: Uint8Array.of(0x03, 0x41) } },
    ]
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b)
        const decoder = new SlcanDecoder()
        const events = [0, ...points].flatMap((start, index) =>
          decoder.push(stream.slice(start, points[index] ?? stream.length)),
        )
        expect(events).toEqual(expected)
        expect(decoder.garbled).toBe(0)
      }),
    )
  })

  it('counts garbage and a frame whose length does not match its data, and carries on', () => {
    const decoder = new SlcanDecoder()
    const events = decoder.push('hello\rt7E8301\rt7E9900\rt7E80\r')
    expect(events.map((event) => event.type)).toEqual(['garbled', 'garbled', 'garbled', 'frame'])
    expect(decoder.garbled).toBe(3)
  })
})
