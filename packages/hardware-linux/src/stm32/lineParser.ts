/** One thing the STM32 lower computer said. */
export type Stm32Event =
  | { readonly type: 'energy'; readonly kWh: number }
  | { readonly type: 'voltage'; readonly volts: number }
  | { readonly type: 'gun'; readonly plugged: boolean }
  /** A line that is none of the above: noise, a line torn by a reset, or the tail of one we joined mid-way. */
  | { readonly type: 'garbled'; readonly text: string }

/** Longer than any line the firmware prints (`voltage is 4294967295.000000` is 31 characters). */
const MAX_LINE = 64

// C's printf("%f"): digits, a point, exactly six decimals. A digit lost or gained on the wire breaks this shape, which
// is most of what makes a damaged number detectable.
const valueLine = /^(energy|voltage) is (\d{1,10}\.\d{6})$/

/**
 * Splits the STM32's byte stream into its CRLF lines and parses each. Chunks may be cut anywhere; a line longer than
 * any the firmware prints is dropped as garbled up to the next line break. Never throws.
 */
export class Stm32LineParser {
  #pending = ''
  #overflowed = false
  lines = 0
  garbled = 0

  push(chunk: Uint8Array | string): Stm32Event[] {
    const events: Stm32Event[] = []
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1')
    let start = 0
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const piece = this.#pending + text.slice(start, newline)
      start = newline + 1
      this.#pending = ''
      if (this.#overflowed) {
        this.#overflowed = false
        continue
      }
      const line = piece.endsWith('\r') ? piece.slice(0, -1) : piece
      if (line !== '') events.push(this.#parse(line))
    }
    this.#pending += text.slice(start)
    if (this.#pending.length > MAX_LINE) {
      if (!this.#overflowed) events.push(this.#garble(this.#pending.slice(0, MAX_LINE)))
      this.#overflowed = true
      this.#pending = ''
    }
    return events
  }

  #parse(line: string): Stm32Event {
    if (line === 'has plugged in') return this.#ok({ type: 'gun', plugged: true })
    if (line === 'has not plugged in') return this.#ok({ type: 'gun', plugged: false })
    const match = valueLine.exec(line)
    if (!match) return this.#garble(line)
    const value = Number(match[2])
    return this.#ok(
      match[1] === 'energy' ? { type: 'energy', kWh: value } : { type: 'voltage', volts: value },
    )
  }

  #ok(event: Stm32Event): Stm32Event {
    this.lines++
    return event
  }

  #garble(text: string): Stm32Event {
    this.garbled++
    return { type: 'garbled', text }
  }
}
