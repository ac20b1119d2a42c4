// The STM32 line parser, fed chunks split at awkward places. Breaks that fail it: dropping `#pending` between chunks
// (lines cut across chunks are lost), or loosening `\d{6}` to `\d+` (a number that lost a digit is believed).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Stm32Event, Stm32LineParser } from './lineParser.js'

const stream =
  'energy is 1234.560000\r\nvoltage is 230.400000\r\nhas not plugged in\r\nhas plugged in\r\nenergy is 1234.570000\r\n'
const expected: Stm32Event[] = [
  { type: 'energy', kWh: 1234.56 },
  { type: 'voltage', volts: 230.4 },
  { type: 'gun', plugged: false },
  { type: 'gun', plugged: true },
  { type: 'energy', kWh: 1234.57 },
]

function feed(parser: Stm32LineParser, chunks: string[]): Stm32Event[] {
  return chunks.flatMap((chunk) => parser.push(Buffer.from(chunk, 'latin1')))
}

describe('Stm32LineParser', () => {
  it('parses the same events however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 30 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b)
        const chunks = [0, ...points].map((start, index) =>
          stream.slice(start, points[index] ?? stream.length),
        )
        const parser = new Stm32LineParser()
        expect(feed(parser, chunks)).toEqual(expected)
        expect([parser.lines, parser.garbled]).toEqual([5, 0])
      }),
    )
  })

  it('cuts a line between CR and LF, and in the middle of a number', () => {
    const parser = new Stm32LineParser()
    expect(feed(parser, ['energy is 12', '.340000\r', '\nhas plug', 'ged in\r\n'])).toEqual([
      { type: 'energy', kWh: 12.34 },
      { type: 'gun', plugged: true },
    ])
  })

  it('skips and counts noise, torn lines and a tail joined mid-way, and keeps the good lines around them', () => {
    const parser = new Stm32LineParser()
    const events = feed(parser, [
      'is 1234.550000\r\n', // joined mid-line: the tail of an energy line
      'energy is 1234.560000\r\n',
      '\x00\xff\xfe\r\n', // line noise
      'voltage is 23', // torn by a reset of the STM32 …
      'energy is 1234.570000\r\n', // … which then starts its next line
      'energy is 1234.58000\r\n', // a decimal lost on the wire
      'energy is -1.000000\r\n',
      'has plugged\r\n',
      'voltage is 229.900000\r\n',
    ])
    expect(events.filter((event) => event.type !== 'garbled')).toEqual([
      { type: 'energy', kWh: 1234.56 },
      { type: 'voltage', volts: 229.9 },
    ])
    expect([parser.lines, parser.garbled]).toEqual([2, 6])
  })

  it('drops an endless line once, then resynchronises on the next line break', () => {
    const parser = new Stm32LineParser()
    const noise = 'x'.repeat(50)
    const events = feed(parser, [noise, noise, noise, '\r\nhas plugged in\r\n'])
    expect(events).toEqual([
      { type: 'garbled', text: 'x'.repeat(64) },
      { type: 'gun', plugged: true },
    ])
    expect([parser.lines, parser.garbled]).toEqual([1, 1])
  })
})
