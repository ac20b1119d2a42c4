import type { Logger } from '@chargechain/agent-core'
import { createVehicleAuthNonce } from '@chargechain/chain'
import { type ApplicationMessage, isLinkFailure, type LinkSession } from '@chargechain/link'
import { hexToBytes } from 'viem'
import { acceptLink, closeLink, type PileRuntime } from '../runtime.js'
import type { ChargeSession } from '../session.js'
import { challenge } from './handshake.js'

/**
 * The session's car on a link: the live one, or else the same car connecting again and signing a fresh challenge (its
 * agent rejoins after a drop or a restart), for up to `timeoutMs` while it is at the pile. Another car's connection,
 * or a stale one, is dropped and the wait goes on. `undefined` once the car leaves, the time is up or `interrupt` fires.
 */
export async function reachCar(
  runtime: PileRuntime,
  session: ChargeSession,
  signal: AbortSignal,
  interrupt: AbortSignal | undefined,
  timeoutMs: number,
): Promise<LinkSession | undefined> {
  const current = runtime.session
  if (current && !current.closed) return current
  const { hardware, clock } = runtime
  if (!hardware.arrival.current()) return undefined
  await hardware.bluetoothPower?.set(true)
  const deadline = clock.now() + timeoutMs
  while (clock.now() < deadline && !interrupt?.aborted && hardware.arrival.current()) {
    const link = await acceptLink(runtime, deadline - clock.now(), signal, (abort) => {
      interrupt?.addEventListener('abort', abort, { once: true })
      const unwatch = hardware.arrival.onEdge((edge) => {
        if (!edge.level) abort()
      })
      return () => {
        interrupt?.removeEventListener('abort', abort)
        unwatch()
      }
    })
    if (!link) return undefined
    try {
      const vehicle = await challenge(runtime, link, createVehicleAuthNonce())
      if (vehicle && vehicle.toLowerCase() === session.vehicle.toLowerCase()) return link
    } catch (error) {
      signal.throwIfAborted()
      if (!isLinkFailure(error)) throw error
    }
    await closeLink(runtime)
  }
  return undefined
}

/** What tells the car its session may charge: `AuthResult` free with the session's id, or `PaymentResult` accepted. */
function acceptance(session: ChargeSession): ApplicationMessage {
  return session.kind === 'free'
    ? { type: 'AuthResult', result: 'free', sessionId: hexToBytes(session.id) }
    : { type: 'PaymentResult', result: 'accepted' }
}

/**
 * Tells the car its session is accepted — only ever once the session is journaled (`starting` or later), so a pile
 * restarted after the car heard it never asks for the payment again. On `link` when it is up; else, and when the send
 * fails, to the same car rejoining within `reconnectTimeoutMs`. A car that already heard it charges on and ignores
 * it; one that did not (it restarted, or the link dropped first) takes it as the answer it was waiting for.
 * `undefined` when the car does not come back.
 */
export async function confirmToCar(
  runtime: PileRuntime,
  session: ChargeSession,
  link: LinkSession | undefined,
  signal: AbortSignal,
  logger: Logger,
): Promise<LinkSession | undefined> {
  const { clock, config } = runtime
  const deadline = clock.now() + config.link.reconnectTimeoutMs
  let current = link
  for (;;) {
    if (!current || current.closed) {
      current = await reachCar(runtime, session, signal, undefined, deadline - clock.now())
      if (!current) return undefined
      logger.info({ session: session.id, vehicle: session.vehicle }, 'car reconnected')
    }
    try {
      await current.send(acceptance(session))
      return current
    } catch (error) {
      signal.throwIfAborted()
      if (!isLinkFailure(error)) throw error
      await closeLink(runtime)
      current = undefined
    }
  }
}
