import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  AckTimeoutError,
  ExpectTimeoutError,
  PeerReportedError,
  SessionClosedError,
  UnexpectedMessageError,
} from './errors.js'
import { PROTOCOL_VERSION } from './frame.js'
import { filled, sampleMessages } from './messages/fixtures.js'
import type { ApplicationMessage } from './messages/types.js'
import { createSession } from './session.js'
import type { SessionDiagnostic } from './sessionTypes.js'
import { createTransport, type LinkTransport } from './transports/createTransport.js'
import { memoryPair } from './transports/memory.js'
import { throttled } from './transports/throttled.js'

const reading = (energyWh: number): ApplicationMessage => ({
  type: 'MeterReading',
  energyWh,
  voltageDv: 2300,
  currentMa: 16_000,
  powerW: 3_680,
  timestampMs: 1_000 + energyWh,
  chargingSeconds: energyWh,
  idleSeconds: 0,
})

/** Passes writes through unless `drop` says to lose this one (writes are whole frames, numbered from 0). */
function lossy(inner: LinkTransport, drop: (index: number, bytes: Uint8Array) => boolean): LinkTransport {
  let index = 0
  return createTransport({ key: 'lossy', name: `lossy ${inner.name}`, type: 'lossy' }, (sink) => {
    inner.onData((bytes) => sink.data(bytes))
    inner.onClose((cause) => sink.closed(cause))
    return {
      write(bytes) {
        if (!drop(index++, bytes)) inner.write(bytes)
      },
      close: () => inner.close(),
    }
  })
}

const isAck = (bytes: Uint8Array) => bytes[3] === 0x00

describe('session', () => {
  // Break that makes this fail (tried): `const unsubscribeClose = transport.onClose(…)` as before — the listener runs
  // at once for a closed transport and reads the binding before its initialisation (a ReferenceError that ended an
  // agent whose car hung up before the pile took the connection; found by the kill -9 matrix, defect C).
  it('on a transport that closed before it was taken, is closed and fails its waits, without throwing', async () => {
    const [a, b] = memoryPair()
    await b.close()
    await a.close()
    const session = createSession({ transport: a })
    expect(session.closed).toBe(true)
    await expect(session.next({ timeoutMs: 1_000 })).rejects.toThrow()
  })

  it('delivers messages in order and resolves send once acknowledged', async () => {
    const [a, b] = memoryPair()
    const pile = createSession({ transport: a })
    const car = createSession({ transport: b })
    for (const message of sampleMessages) await pile.send(message)
    const received: ApplicationMessage[] = []
    for (const _ of sampleMessages) received.push(await car.next())
    expect(received).toEqual(sampleMessages)
    expect(pile.stats.retransmissions).toBe(0)
    await pile.close()
    await car.close()
  })

  it('piggy-backs the acknowledgement on an immediate answer', async () => {
    const [a, b] = memoryPair()
    const pile = createSession({ transport: a })
    const car = createSession({ transport: b })
    const answered = (async () => {
      await car.expect('StopRequest')
      await car.send({
        type: 'ChargingStopped',
        reason: 'vehicleRequested',
        energyWh: 5,
        chargingSeconds: 9,
        idleSeconds: 0,
      })
    })()
    await pile.send({ type: 'StopRequest', reason: 'vehicleRequested' })
    await expect(pile.expect('ChargingStopped')).resolves.toMatchObject({ energyWh: 5 })
    await answered
    await new Promise((resolve) => setImmediate(resolve))
    // StopRequest, ChargingStopped carrying the ack, and one bare Ack for ChargingStopped.
    expect(car.stats.framesSent).toBe(1)
    expect(pile.stats.framesSent).toBe(2)
    await pile.close()
    await car.close()
  })

  it('retransmits lost frames and delivers them once', async () => {
    const [a, b] = memoryPair()
    const diagnostics: SessionDiagnostic[] = []
    // Lose the pile's first two transmissions and the car's first acknowledgement.
    const pile = createSession({ transport: lossy(a, (index) => index < 2), ackTimeoutMs: 20 })
    const car = createSession({
      transport: lossy(b, (index, bytes) => index === 0 && isAck(bytes)),
      ackTimeoutMs: 20,
      onDiagnostic: (event) => diagnostics.push(event),
    })
    await pile.send(reading(1))
    await pile.send(reading(2))
    expect(await car.next()).toEqual(reading(1))
    expect(await car.next()).toEqual(reading(2))
    await expect(car.next({ timeoutMs: 60 })).rejects.toBeInstanceOf(ExpectTimeoutError)
    expect(pile.stats.retransmissions).toBe(3)
    expect(car.stats.duplicatesDropped).toBe(1)
    expect(diagnostics).toContainEqual({ type: 'duplicate', seq: 1 })
    await pile.close()
    await car.close()
  })

  it('gives up with a retryable AckTimeoutError when the peer stops answering', async () => {
    const [a] = memoryPair()
    const pile = createSession({ transport: a, ackTimeoutMs: 10, backoff: 2, maxAttempts: 3 })
    const started = performance.now()
    const error = await pile.send(reading(1)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AckTimeoutError)
    expect((error as AckTimeoutError).retryable).toBe(true)
    // 10 + 20 + 40 ms of exponential backoff.
    expect(performance.now() - started).toBeGreaterThanOrEqual(65)
    expect(pile.stats.framesSent).toBe(3)
    const waited = await pile.expect('Auth', { timeoutMs: 30 }).catch((caught: unknown) => caught)
    expect(waited).toBeInstanceOf(ExpectTimeoutError)
    expect((waited as ExpectTimeoutError).message).toMatch(/No Auth arrived within 30 ms/)
    await pile.close()
  })

  it('rejects unexpected and peer-reported messages with typed errors', async () => {
    const [a, b] = memoryPair()
    const pile = createSession({ transport: a })
    const car = createSession({ transport: b })
    await car.send({ type: 'StopRequest', reason: 'batteryFull' })
    const unexpected = await pile.expect(['Voucher', 'Auth']).catch((caught: unknown) => caught)
    expect(unexpected).toBeInstanceOf(UnexpectedMessageError)
    expect((unexpected as UnexpectedMessageError).received).toBe('StopRequest')

    await car.send({ type: 'Error', code: 'badVoucher', text: 'amount below price' })
    const reported = await pile.expect('Voucher').catch((caught: unknown) => caught)
    expect(reported).toBeInstanceOf(PeerReportedError)
    expect((reported as PeerReportedError).code).toBe('badVoucher')
    await pile.close()
    await car.close()
  })

  it('drops a cut-off frame after a quiet gap instead of waiting for its announced length', async () => {
    const [a, b] = memoryPair()
    const diagnostics: SessionDiagnostic[] = []
    const pile = createSession({
      transport: a,
      frameGapMs: 30,
      onDiagnostic: (event) => diagnostics.push(event),
    })
    const car = createSession({ transport: b })
    // A header announcing 300 bytes, then the line goes quiet (the car's radio dropped out mid-frame).
    b.write(Uint8Array.of(0xcc, 0x5a, PROTOCOL_VERSION, 0x32, 1, 0, 0xac, 0x02, 1, 2, 3))
    await new Promise((resolve) => setTimeout(resolve, 60))
    const started = performance.now()
    await car.send({ type: 'StopRequest', reason: 'batteryFull' })
    expect(await pile.expect('StopRequest')).toEqual({ type: 'StopRequest', reason: 'batteryFull' })
    expect(performance.now() - started).toBeLessThan(25)
    expect(
      diagnostics.some((event) => event.type === 'frameError' && event.error.name === 'FrameTruncatedError'),
    ).toBe(true)
    await pile.close()
    await car.close()
  })

  it('rejects invalid outgoing messages without sending them', async () => {
    const [a] = memoryPair()
    const pile = createSession({ transport: a })
    await expect(pile.send({ type: 'Auth', signature: filled(65, 0) })).rejects.toMatchObject({
      field: 'signature',
    })
    expect(a.stats.bytesWritten).toBe(0)
    await pile.close()
  })

  it('closes cleanly: pending waits and sends reject with SessionClosedError', async () => {
    const [a, b] = memoryPair()
    const pile = createSession({ transport: a })
    const car = createSession({ transport: b })
    const waiting = pile.expect('Auth', { timeoutMs: 5_000 })
    const sending = pile.send(reading(1))
    const queued = pile.send(reading(2))
    const results = Promise.allSettled([waiting, sending, queued])
    await pile.close()
    for (const result of await results) {
      expect(result.status).toBe('rejected')
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(SessionClosedError)
    }
    await expect(pile.send(reading(3))).rejects.toBeInstanceOf(SessionClosedError)
    // The reading already on the line still arrives; then the car sees the line go down.
    expect(await car.next()).toEqual(reading(1))
    await expect(car.expect('Hello', { timeoutMs: 5_000 })).rejects.toBeInstanceOf(SessionClosedError)
    await car.close()
  })

  it('leaves no timers behind: a process that closes its sessions exits at once', () => {
    // Long waits and a dead peer would keep the event loop alive for a minute if close() left a timer.
    const script = `
      import { createSession, memoryPair } from ${JSON.stringify(fileURLToPath(new URL('./index.ts', import.meta.url)))}
      const [a, b] = memoryPair()
      const pile = createSession({ transport: a })
      const car = createSession({ transport: b })
      // Nobody answers on this line: the send waits for an acknowledgement that never comes.
      const [silent] = memoryPair()
      const lonely = createSession({ transport: silent, ackTimeoutMs: 60_000 })
      const outcomes = [
        pile.expect('Auth', { timeoutMs: 60_000 }).catch((error) => error.name),
        car.expect('Hello', { timeoutMs: 60_000 }).catch((error) => error.name),
        lonely.send({ type: 'StopRequest', reason: 'batteryFull' }).catch((error) => error.name),
      ]
      setTimeout(() => {
        pile.close()
        lonely.close()
      }, 20)
      console.log(JSON.stringify(await Promise.all(outcomes)))
    `
    const directory = mkdtempSync(join(tmpdir(), 'link-exit-'))
    const file = join(directory, 'probe.mts')
    writeFileSync(file, script)
    const started = performance.now()
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 20_000 })
    rmSync(directory, { recursive: true })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual(['SessionClosedError', 'SessionClosedError', 'SessionClosedError'])
    expect(run.status).toBe(0)
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('lets the reader drain messages that arrived before the peer hung up', async () => {
    const [a, b] = memoryPair()
    const pile = createSession({ transport: a })
    const car = createSession({ transport: b })
    await pile.send({ type: 'Receipt', settleTxHash: filled(32, 0), energyWh: 1, amount: 0n })
    await pile.close()
    const received: string[] = []
    for await (const message of car.messages()) received.push(message.type)
    expect(received).toEqual(['Receipt'])
    expect(car.closed).toBe(true)
  })

  it('delivers a long exchange exactly once over a noisy paced line', async () => {
    const [a, b] = memoryPair()
    const faults = { flip: 0.002, drop: 0.002, garble: 0.001 }
    const options = { bytesPerSecond: 40_000, tickMs: 2 }
    const pile = createSession({
      transport: throttled(a, { ...options, faults: { ...faults, seed: 7 } }),
      ackTimeoutMs: 30,
    })
    const car = createSession({
      transport: throttled(b, { ...options, faults: { ...faults, seed: 8 } }),
      ackTimeoutMs: 30,
    })
    const count = 60
    const sent = (async () => {
      for (let energyWh = 1; energyWh <= count; energyWh++) await pile.send(reading(energyWh))
    })()
    const received: ApplicationMessage[] = []
    for (let energyWh = 1; energyWh <= count; energyWh++) received.push(await car.next())
    await sent
    expect(received).toEqual(Array.from({ length: count }, (_, index) => reading(index + 1)))
    expect(pile.stats.retransmissions + car.stats.frameErrors).toBeGreaterThan(0)
    await pile.close()
    await car.close()
  })
})
