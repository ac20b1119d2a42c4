// The slcan (Lawicel) text protocol of CANable- and USBtin-style serial CAN adapters. Every command and answer ends
// in CR; an adapter answers a good command with CR (and a sent frame with `z` / `Z` before it) and a bad one with BEL.
import type { CanFrame } from './bus.js'

/** `S0`…`S8`: the standard bit rates, in bit/s. */
export const slcanBitrates = [
  10_000, 20_000, 50_000, 100_000, 125_000, 250_000, 500_000, 800_000, 1_000_000,
] as const
export type SlcanBitrate = (typeof slcanBitrates)[number]

export const slcanCommands = {
  open: 'O\r',
  close: 'C\r',
  version: 'V\r',
  bitrate: (bitrate: SlcanBitrate) => `S${slcanBitrates.indexOf(bitrate)}\r`,
} as const

const hex = (value: number, digits: number) => value.toString(16).toUpperCase().padStart(digits, '0')

/** `t7DF80201050000000000\r`: t/T (data) or r/R (remote), the id in 3 or 8 hex digits, the length, the bytes. */
export function encodeSlcanFrame(frame: CanFrame): string {
  if (frame.data.length > 8)
    throw new RangeError(`A classic CAN frame carries at most 8 bytes, got ${frame.data.length}.`)
  const limit = frame.extended ? 0x1fffffff : 0x7ff
  if (!(Number.isInteger(frame.id) && frame.id >= 0 && frame.id <= limit))
    throw new RangeError(`CAN id ${frame.id} does not fit ${frame.extended ? 29 : 11} bits.`)
  const kind = frame.remote ? (frame.extended ? 'R' : 'r') : frame.extended ? 'T' : 't'
  const id = hex(frame.id, frame.extended ? 8 : 3)
  const data = frame.remote ? '' : [...frame.data].map((byte) => hex(byte, 2)).join('')
  return `${kind}${id}${frame.data.length}${data}\r`
}

export type SlcanEvent =
  | { readonly type: 'ok' }
  | { readonly type: 'error' }
  /** `z` / `Z`: the adapter put our frame on the bus. */
  | { readonly type: 'sent' }
  | { readonly type: 'frame'; readonly frame: CanFrame }
  | { readonly type: 'version'; readonly text: string }
  | { readonly type: 'garbled'; readonly text: string }

const framePattern = /^([tTrR])([0-9A-Fa-f]+)$/

function decodeFrame(text: string): CanFrame | undefined {
  const match = framePattern.exec(text)
  if (!match) return undefined
  const kind = match[1] ?? 't'
  const body = match[2] ?? ''
  const extended = kind === 'T' || kind === 'R'
  const remote = kind === 'r' || kind === 'R'
  const idDigits = extended ? 8 : 3
  const length = Number.parseInt(body.charAt(idDigits), 16)
  if (!(length >= 0 && length <= 8)) return undefined
  const dataDigits = remote ? 0 : length * 2
  const rest = body.length - idDigits - 1 - dataDigits
  // An adapter with timestamps on (Z1) adds four hex digits of milliseconds.
  if (rest !== 0 && rest !== 4) return undefined
  const id = Number.parseInt(body.slice(0, idDigits), 16)
  if (id > (extended ? 0x1fffffff : 0x7ff)) return undefined
  const data = new Uint8Array(length)
  if (remote) return { id, extended, data, remote }
  for (let i = 0; i < length; i++) {
    const at = idDigits + 1 + 2 * i
    data[i] = Number.parseInt(body.slice(at, at + 2), 16)
  }
  return { id, extended, data }
}

/** Splits the adapter's byte stream into answers and received frames; chunks may be cut anywhere. Never throws. */
export class SlcanDecoder {
  #pending = ''
  garbled = 0

  push(chunk: Uint8Array | string): SlcanEvent[] {
    const events: SlcanEvent[] = []
    const text = this.#pending + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'))
    let start = 0
    for (let index = 0; index < text.length; index++) {
      const char = text[index]
      if (char !== '\r' && char !== '\x07') continue
      const token = text.slice(start, index)
      start = index + 1
      if (char === '\x07') {
        if (token !== '') events.push(this.#garble(token))
        events.push({ type: 'error' })
        continue
      }
      events.push(this.#decode(token))
    }
    this.#pending = text.slice(start)
    if (this.#pending.length > 64) {
      events.push(this.#garble(this.#pending))
      this.#pending = ''
    }
    return events
  }

  #decode(token: string): SlcanEvent {
    if (token === '') return { type: 'ok' }
    if (token === 'z' || token === 'Z') return { type: 'sent' }
    if (/^V[0-9A-Fa-f]{4}$/.test(token)) return { type: 'version', text: token.slice(1) }
    const frame = decodeFrame(token)
    return frame ? { type: 'frame', frame } : this.#garble(token)
  }

  #garble(text: string): SlcanEvent {
    this.garbled++
    return { type: 'garbled', text }
  }
}
