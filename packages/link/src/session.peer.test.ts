// Must-show (issue 10, agents 5 and 8): an intact frame the session cannot use — an unknown type as from a newer
// protocol, or a malformed payload with a valid CRC — is answered and dropped, one refusal at a time, and the
// conversation goes on; the incoming queue is bounded without losing a message.
// Breaks tried: not answering an unknown type (the `refuse('unsupportedMessage', …)` call) fails "answers and drops";
// dropping `if (refusalPending) return` in `refuse` fails "one refusal at a time"; removing the
// `inbox.length >= maxInbox` check fails "holds the peer back".
import { describe, expect, it } from 'vitest'
import { encodeFrame } from './frame.js'
import { filled } from './messages/fixtures.js'
import { MessageTypeId } from './messages/types.js'
import { createSession } from './session.js'
import type { SessionDiagnostic } from './sessionTypes.js'
import { memoryPair } from './transports/memory.js'

const reading = (energyWh: number) =>
  ({
    type: 'MeterReading',
    energyWh,
    voltageDv: 2300,
    currentMa: 16_000,
    powerW: 3_680,
    timestampMs: 1_000 + energyWh,
    chargingSeconds: energyWh,
    idleSeconds: 0,
  }) as const

/** A well-framed Voucher whose signature is one byte short: the CRC is right, the payload is not. */
const malformedVoucher = (seq: number) =>
  encodeFrame({
    typeId: MessageTypeId.Voucher,
    seq,
    ack: 0,
    payload: Uint8Array.of(1, 0, 0, 1, ...filled(63, 0)),
  })
/** A message type this version does not know, as a newer peer would send it. */
const unknownType = (seq: number) =>
  encodeFrame({ typeId: 0x35, seq, ack: 0, payload: Uint8Array.of(1, 2, 3) })

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

/** Lets the event loop run until `condition` holds (the memory line delivers on later turns). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 400 && !condition(); turn++) await tick()
}

describe('session with an odd peer', () => {
  it('answers and drops an unknown type and a malformed payload, then goes on', async () => {
    const [a, b] = memoryPair()
    const pileSaw: SessionDiagnostic[] = []
    const carSaw: SessionDiagnostic[] = []
    const pile = createSession({ transport: a, onDiagnostic: (event) => pileSaw.push(event) })
    const car = createSession({ transport: b, onDiagnostic: (event) => carSaw.push(event) })
    // Written by the car's transport, as its session would (sequence numbers out of the session's way).
    b.write(unknownType(200))
    await car.send({ type: 'StopRequest', reason: 'batteryFull' })
    expect(await pile.next({ timeoutMs: 1_000 })).toEqual({ type: 'StopRequest', reason: 'batteryFull' })
    // One refusal at a time: the next bad frame is answered once this refusal was acknowledged.
    await until(() => carSaw.length === 1)
    await car.send({ type: 'StopRequest', reason: 'vehicleRequested' })
    expect(await pile.next({ timeoutMs: 1_000 })).toMatchObject({ reason: 'vehicleRequested' })
    b.write(malformedVoucher(201))
    await car.send({ type: 'StopRequest', reason: 'targetReached' })
    expect(await pile.next({ timeoutMs: 1_000 })).toMatchObject({ reason: 'targetReached' })
    await until(() => carSaw.length === 2)
    expect(pile.stats.framesRefused).toBe(2)
    expect(pileSaw.map((event) => event.type)).toEqual(['unsupported', 'malformed'])
    expect(carSaw).toEqual([
      { type: 'refused', code: 'unsupportedMessage', text: 'type 0x35' },
      { type: 'refused', code: 'malformedMessage', text: 'Voucher.signature' },
    ])
    // Neither refusal reached the car's reader, and both sides still talk.
    await pile.send(reading(7))
    expect(await car.next({ timeoutMs: 1_000 })).toEqual(reading(7))
    await pile.close()
    await car.close()
  })

  it('answers a flood of bad frames with one refusal at a time', async () => {
    const [a, b] = memoryPair()
    const carSaw: SessionDiagnostic[] = []
    const pile = createSession({ transport: a })
    const car = createSession({ transport: b, onDiagnostic: (event) => carSaw.push(event) })
    const flood = Array.from({ length: 20 }, (_, index) => malformedVoucher(100 + index))
    b.write(Uint8Array.from(flood.flatMap((frame) => [...frame])))
    await car.send({ type: 'StopRequest', reason: 'vehicleRequested' })
    expect(await pile.next({ timeoutMs: 1_000 })).toMatchObject({ type: 'StopRequest' })
    // Time for any further refusal to cross the memory line (each takes a few event-loop turns).
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(pile.stats.framesRefused).toBe(20)
    expect(carSaw.filter((event) => event.type === 'refused')).toHaveLength(1)
    await pile.close()
    await car.close()
  })

  it('holds the peer back once the inbox is full, and loses nothing', async () => {
    const [a, b] = memoryPair()
    const pile = createSession({ transport: a, ackTimeoutMs: 20, maxInbox: 2 })
    const car = createSession({ transport: b, ackTimeoutMs: 20, maxAttempts: 20 })
    const acknowledged: number[] = []
    const sends = [1, 2, 3, 4].map((energyWh) =>
      car.send(reading(energyWh)).then(() => acknowledged.push(energyWh)),
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    // Two held for the reader; the third is left unacknowledged, so the car cannot send the fourth.
    expect(acknowledged).toEqual([1, 2])
    expect(pile.stats.framesDeferred).toBeGreaterThan(0)
    const received = []
    for (let index = 0; index < 4; index++) received.push(await pile.next({ timeoutMs: 2_000 }))
    await Promise.all(sends)
    expect(received).toEqual([1, 2, 3, 4].map(reading))
    expect(acknowledged).toEqual([1, 2, 3, 4])
    await pile.close()
    await car.close()
  })
})
