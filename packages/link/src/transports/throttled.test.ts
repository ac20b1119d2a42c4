import { defined } from '@chargechain/errors'
import { describe, expect, it } from 'vitest'
import { LinkOptionError } from '../errors.js'
import { frameLength } from '../frame.js'
import { createSession } from '../session.js'
import { concat } from '../testing.js'
import { countBytes } from './countBytes.js'
import type { LinkTransport } from './createTransport.js'
import { memoryPair } from './memory.js'
import { throttled } from './throttled.js'

function arrivals(transport: LinkTransport) {
  const log: { at: number; bytes: Uint8Array }[] = []
  transport.onData((bytes) => log.push({ at: performance.now(), bytes }))
  return log
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Until nothing more has arrived for `ms`: the line has delivered all it will, however loaded the machine is. */
async function quiet(log: unknown[], ms: number) {
  for (let seen = -1; seen !== log.length; ) {
    seen = log.length
    await settle(ms)
  }
}

describe('throttled', () => {
  it('paces bytes like 9600 baud 8N1: one byte every 1/960 s, writes queue behind each other', async () => {
    const [a, b] = memoryPair()
    const line = throttled(a, { bytesPerSecond: 960 })
    const log = arrivals(b)
    const started = performance.now()
    line.write(new Uint8Array(48).fill(1))
    line.write(new Uint8Array(48).fill(2))
    await settle(130)
    const received = concat(log.map((entry) => entry.bytes))
    expect(received.length).toBe(96)
    const lastAt = defined(log.at(-1), 'the last arrival').at - started
    // 96 byte times is 100 ms; allow the delivery tick and timer jitter, never earlier than the line allows.
    expect(lastAt).toBeGreaterThanOrEqual(99)
    expect(lastAt).toBeLessThan(125)
    // Bytes come out in the small bursts a UART driver would deliver, not all at once.
    expect(log.length).toBeGreaterThan(5)
    const firstHalfAt =
      defined(
        log.find((entry) => entry.bytes.includes(2)),
        'the first arrival of the second write',
      ).at - started
    expect(firstHalfAt).toBeGreaterThanOrEqual(49)
    await line.close()
  })

  it('makes a request/answer take at least its bytes / 960 s', async () => {
    const [a, b] = memoryPair()
    const pileLine = throttled(a)
    const pile = createSession({ transport: pileLine })
    const car = createSession({ transport: throttled(b) })
    const bytes = countBytes(pileLine)
    const started = performance.now()
    const answered = (async () => {
      await car.expect('StopRequest')
      await car.send({
        type: 'ChargingStopped',
        reason: 'vehicleRequested',
        energyWh: 18_250,
        chargingSeconds: 9_000,
        idleSeconds: 0,
      })
    })()
    await pile.send({ type: 'StopRequest', reason: 'vehicleRequested' })
    await pile.expect('ChargingStopped')
    const elapsed = performance.now() - started
    // Request and answer; the answer carries the ack, so nothing else was needed yet.
    const lineTime = (bytes.total / 960) * 1000
    // ChargingStopped: reason, then energy, charging and idle seconds as varints (3, 2 and 1 bytes).
    expect(bytes.total).toBe(frameLength(1) + frameLength(1 + 3 + 2 + 1))
    expect(elapsed).toBeGreaterThanOrEqual(lineTime - 1)
    // How close to the line time it comes is the link bench's to measure (`npm run bench -- link`), not a timed test's.
    await answered
    await pile.close()
    await car.close()
  })

  it('injects reproducible faults', async () => {
    const run = async (faults: object) => {
      const [a, b] = memoryPair()
      const line = throttled(a, { bytesPerSecond: 100_000, faults })
      const log = arrivals(b)
      line.write(new Uint8Array(500).fill(0x0f))
      await quiet(log, 200)
      await line.close()
      return concat(log.map((entry) => entry.bytes))
    }
    expect((await run({ drop: 1 })).length).toBe(0)
    const flipped = await run({ flip: 1, seed: 3 })
    expect(flipped.length).toBe(500)
    for (const byte of flipped) expect(popcount(byte ^ 0x0f)).toBe(1)
    const noisy = await run({ drop: 0.1, garble: 0.1, seed: 5 })
    expect(noisy.length).toBeLessThan(500)
    expect(noisy).toEqual(await run({ drop: 0.1, garble: 0.1, seed: 5 }))
  })

  it('rejects impossible line settings', () => {
    const [a] = memoryPair()
    expect(() => throttled(a, { bytesPerSecond: 0 })).toThrow(LinkOptionError)
    expect(() => throttled(a, { faults: { drop: 2 } })).toThrow(LinkOptionError)
  })
})

function popcount(value: number): number {
  let count = 0
  for (let rest = value; rest; rest &= rest - 1) count++
  return count
}
