// Must-show (issue 10, agent finding 7 and "Timing in the link session"): waits are measured on the agents' clock and
// end at once when the agent stops. Break tried: not listening to the session signal
// (`signal?.addEventListener('abort', onAbort…)` removed) fails "ends every wait and send at once" (the wait sits out its
// 20 s).
import { describe, expect, it } from 'vitest'
import { ExpectTimeoutError, SessionClosedError } from './errors.js'
import { createSession } from './session.js'
import type { LinkClock } from './sessionTypes.js'
import { memoryPair } from './transports/memory.js'

/** A clock the test moves by hand. */
function manualClock() {
  let now = 0
  const timers = new Set<{ at: number; callback: () => void }>()
  const clock: LinkClock & { advance(ms: number): void } = {
    setTimeout(callback, ms) {
      const timer = { at: now + ms, callback }
      timers.add(timer)
      return { cancel: () => timers.delete(timer) }
    },
    advance(ms) {
      now += ms
      for (const timer of [...timers])
        if (timer.at <= now) {
          timers.delete(timer)
          timer.callback()
        }
    },
  }
  return clock
}

describe('session timing', () => {
  it('times a wait out on its clock, after the real-time floor', async () => {
    const [a] = memoryPair()
    const clock = manualClock()
    const pile = createSession({ transport: a, clock })
    let outcome: unknown
    const waiting = pile.next({ timeoutMs: 60_000, minRealMs: 0 }).catch((error: unknown) => {
      outcome = error
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(outcome).toBeUndefined()
    clock.advance(60_000)
    await waiting
    expect(outcome).toBeInstanceOf(ExpectTimeoutError)

    // The clock alone does not end a wait with a real-time floor: the peer answers in real time.
    const started = performance.now()
    const floored = pile.next({ timeoutMs: 1_000, minRealMs: 80 }).catch((error: unknown) => error)
    clock.advance(1_000)
    expect(await floored).toBeInstanceOf(ExpectTimeoutError)
    expect(performance.now() - started).toBeGreaterThanOrEqual(75)
    await pile.close()
  })

  it('ends every wait and send at once when the agent stops, and still acknowledges until closed', async () => {
    const [a, b] = memoryPair()
    const stop = new AbortController()
    const pile = createSession({ transport: a })
    const car = createSession({ transport: b, signal: stop.signal })
    const hello = car.expect('Hello', { timeoutMs: 20_000 }).catch((error: unknown) => error)
    const sending = car
      .send({ type: 'StopRequest', reason: 'vehicleRequested' })
      .catch((error: unknown) => error)
    const reason = new Error('agent stopping')
    const started = performance.now()
    stop.abort(reason)
    expect(await hello).toBe(reason)
    expect(await sending).toBe(reason)
    expect(performance.now() - started).toBeLessThan(1_000)
    await expect(car.next()).rejects.toBe(reason)
    await expect(car.send({ type: 'StopRequest', reason: 'batteryFull' })).rejects.toBe(reason)
    // The pile's last word still gets its acknowledgement.
    await pile.send({
      type: 'ChargingStopped',
      reason: 'vehicleRequested',
      energyWh: 3,
      chargingSeconds: 60,
      idleSeconds: 0,
    })
    await car.close()
    await pile.close()
  })

  it('honours a signal that is already aborted', async () => {
    const [, b] = memoryPair()
    const reason = new Error('stopped before connecting')
    const car = createSession({ transport: b, signal: AbortSignal.abort(reason) })
    await expect(car.expect('Hello', { timeoutMs: 20_000 })).rejects.toBe(reason)
    await car.close()
  })

  it('ends one wait on its own signal and keeps a later message for the next wait', async () => {
    const [a, b] = memoryPair()
    const pile = createSession({ transport: a })
    const car = createSession({ transport: b })
    const wake = new AbortController()
    const waiting = pile.next({ timeoutMs: 20_000, signal: wake.signal }).catch((error: unknown) => error)
    wake.abort(new Error('gun out'))
    expect(await waiting).toMatchObject({ message: 'gun out' })
    await car.send({ type: 'StopRequest', reason: 'batteryFull' })
    expect(await pile.next({ timeoutMs: 1_000 })).toEqual({ type: 'StopRequest', reason: 'batteryFull' })
    expect(pile.closed).toBe(false)
    await pile.close()
    await car.close()
    await expect(pile.next()).rejects.toBeInstanceOf(SessionClosedError)
  })
})
