import { tariffCost } from '@chargechain/chain'
import { type ApplicationMessage, isLinkFailure, type LinkSession, type StopReason } from '@chargechain/link'
import { creditWhOf } from '../credit.js'
import { MeterUnavailableError } from '../errors.js'
import { watchRefund } from '../refundWatch.js'
import { answerWindow, closeLink, type PileRuntime, readMeter, receive, waitForLevel } from '../runtime.js'
import { type ChargeSession, elapsedSeconds, type PaidSession, sessionOf } from '../session.js'
import { confirmToCar, reachCar } from './reach.js'
import type { PileStep } from './types.js'
import { sessionAmount, verifyVoucher } from './vouchers.js'

/**
 * Tells the car its session is accepted (now that it is journaled), waits for the gun, notes the meter register,
 * switches the relay on and tells the car. After a restart the relay stays off until the same car has rejoined.
 */
export const starting: PileStep<'starting'> =
  (runtime) =>
  async ({ data, resumed, signal, logger }) => {
    const session = sessionOf(data, 'starting')
    const { hardware, config, clock } = runtime
    if (resumed) await hardware.relay.set(false)
    const link = await confirmToCar(runtime, session, resumed ? undefined : runtime.session, signal, logger)
    if (!link)
      return {
        event: 'NOT_PLUGGED',
        data: stopWith(data, session, resumed ? 'pileFault' : 'linkLost', clock.now()),
      }
    const plugged = new AbortController()
    const timer = clock.setTimeout(() => plugged.abort(), config.link.plugTimeoutMs)
    const onAbort = () => plugged.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      await waitForLevel(hardware.gun, true, plugged.signal)
    } catch {
      signal.throwIfAborted()
      logger.info({ session: session.id }, 'gun never plugged in')
      return { event: 'NOT_PLUGGED', data: stopWith(data, session, 'gunRemoved', clock.now()) }
    } finally {
      timer.cancel()
      signal.removeEventListener('abort', onAbort)
    }
    const start = await readMeter(runtime, signal, logger)
    watchGun(runtime)
    await hardware.relay.set(true)
    // A car gone by now is noticed in charging, which stops and waits for it to come back.
    await link.send({ type: 'ChargingStarted' }).catch((error: unknown) => {
      if (!isLinkFailure(error)) throw error
    })
    runtime.emit('sessionStarted', {
      id: session.id,
      kind: session.kind,
      vehicle: session.vehicle,
      meterStartWh: start.energyWh,
      at: start.at,
      sessionId: session.kind === 'escrow' ? session.escrow.sessionId : session.id,
      ...(session.kind === 'channel' ? { channelId: session.channel.channelId } : {}),
    })
    return {
      event: 'STARTED',
      data: {
        ...data,
        session: { ...session, meterStartWh: start.energyWh, energyWh: 0, chargingSince: clock.now() },
      },
    }
  }

/** Pulling the gun under load arcs the contacts: cut the relay on the edge itself, not at the next reading. */
function watchGun(runtime: PileRuntime) {
  runtime.stopGunWatch?.()
  const unsubscribe = runtime.hardware.gun.onEdge((edge) => {
    if (!edge.level) void runtime.hardware.relay.set(false)
  })
  runtime.stopGunWatch = () => {
    unsubscribe()
    runtime.stopGunWatch = undefined
  }
}

/**
 * One meter interval, re-entered for each voucher the car sends and once per reading: until the reading is due, the
 * car's messages are taken as they come (each accepted voucher is journaled by the re-entry, before more energy flows
 * uncovered); then the meter is read, the credit checked and the reading sent. Nothing here waits on the car in real
 * time: a car that falls silent or slow is cut off by the credit rule alone.
 */
export const charging: PileStep<'charging'> =
  (runtime) =>
  async ({ data, resumed, signal, logger }) => {
    const session = sessionOf(data, 'charging')
    const { hardware, config, clock } = runtime
    if (resumed) {
      // The relay may have stayed on while the agent was down: off until the same car has proved itself again.
      await hardware.relay.set(false)
      if (!(await confirmToCar(runtime, session, undefined, signal, logger)) || !hardware.gun.current())
        return { event: 'STOP', data: stopWith(data, session, 'pileFault', clock.now()) }
      watchGun(runtime)
      if (session.idleSince === undefined) await hardware.relay.set(true)
      logger.info({ session: session.id }, 'charge resumed after a restart')
      return { event: 'METERED', data: { ...data, session: { ...session, nextReadingAt: undefined } } }
    }
    const commanded = runtime.commands.take(session.id)
    if (commanded.stop) {
      await hardware.relay.set(false)
      logger.info({ session: session.id, reason: commanded.stop }, 'stopped by the operator')
      return { event: 'STOP', data: stopWith(data, session, commanded.stop, clock.now()) }
    }
    // The operator's limit is journaled by the re-entry, so a restarted pile still stops there.
    if (commanded.stopAtWh !== undefined)
      return { event: 'METERED', data: { ...data, session: { ...session, stopAtWh: commanded.stopAtWh } } }
    const link = runtime.session
    if (!link || link.closed) {
      await hardware.relay.set(false)
      return { event: 'STOP', data: stopWith(data, session, 'linkLost', clock.now()) }
    }
    if (runtime.stopGunWatch === undefined) watchGun(runtime)
    const refund = session.kind === 'escrow' ? watchRefund(runtime, session.escrow, logger) : undefined
    const interrupt = refund
      ? AbortSignal.any([refund.requested, runtime.commands.arrived])
      : runtime.commands.arrived
    const dueAt = session.nextReadingAt ?? clock.now() + config.payment.meterIntervalMs
    if (clock.now() < dueAt) {
      let message: ApplicationMessage | undefined
      try {
        message = await receiveUntilUnplugged(runtime, link, dueAt - clock.now(), signal, interrupt)
      } catch (error) {
        signal.throwIfAborted()
        if (!isLinkFailure(error) && !link.closed) throw error
        await hardware.relay.set(false)
        return { event: 'STOP', data: stopWith(data, session, 'linkLost', clock.now()) }
      }
      if (refund?.requested.aborted) {
        await hardware.relay.set(false)
        return { event: 'STOP', data: stopWith(data, session, 'vehicleRequested', clock.now()) }
      }
      if (message) {
        const outcome = await takeMessage(runtime, session, message, logger)
        if (outcome.stop) {
          await hardware.relay.set(false)
          return { event: 'STOP', data: stopWith(data, outcome.session, outcome.stop, clock.now()) }
        }
        if (outcome.session.idleSince !== undefined && session.idleSince === undefined) {
          await hardware.relay.set(false)
          logger.info({ session: session.id }, 'car full: relay off, idling billed until the gun is out')
        }
        return { event: 'METERED', data: { ...data, session: { ...outcome.session, nextReadingAt: dueAt } } }
      }
      // An operator's command: the re-entry takes it, on the same beat.
      if (runtime.commands.pending(session.id))
        return { event: 'METERED', data: { ...data, session: { ...session, nextReadingAt: dueAt } } }
    }

    let reading: Awaited<ReturnType<typeof readMeter>>
    try {
      reading = await readMeter(runtime, signal, logger)
    } catch (error) {
      if (!(error instanceof MeterUnavailableError)) throw error
      await hardware.relay.set(false)
      return { event: 'STOP', data: stopWith(data, session, 'meterFailure', clock.now()) }
    }
    const energyWh = Math.max(0, Math.round(reading.energyWh - (session.meterStartWh ?? reading.energyWh)))
    const current: ChargeSession = {
      ...session,
      energyWh,
      nextReadingAt: clock.now() + config.payment.meterIntervalMs,
    }
    const stopReason = reasonToStop(runtime, current, reading.powerW)
    if (stopReason) {
      await hardware.relay.set(false)
      return { event: 'STOP', data: stopWith(data, current, stopReason, clock.now()) }
    }
    try {
      await link.send({
        type: 'MeterReading',
        energyWh,
        voltageDv: Math.round(reading.voltageV * 10),
        currentMa: Math.round(reading.currentA * 1000),
        powerW: Math.round(reading.powerW),
        timestampMs: Math.round(reading.at),
        ...elapsedSeconds(current, clock.now()),
      })
    } catch (error) {
      if (!link.closed) throw error
      await hardware.relay.set(false)
      return { event: 'STOP', data: stopWith(data, current, 'linkLost', clock.now()) }
    }
    runtime.emit('meter', {
      id: current.id,
      energyWh,
      voucheredWh: current.kind === 'free' ? 0 : (current.voucher?.energyWh ?? 0),
      amount: sessionAmount(current),
      registerWh: reading.energyWh,
      powerW: reading.powerW,
      at: reading.at,
    })
    return { event: 'METERED', data: { ...data, session: current } }
  }

function reasonToStop(runtime: PileRuntime, session: ChargeSession, powerW: number): StopReason | undefined {
  const { hardware, config, clock } = runtime
  if (!hardware.gun.current()) return 'gunRemoved'
  if (session.stopAtWh !== undefined && session.energyWh >= session.stopAtWh) return 'targetReached'
  if (session.kind === 'free') return undefined
  const voucheredWh = session.voucher?.energyWh ?? 0
  if (session.energyWh - voucheredWh > creditWhOf(config, session.offer)) return 'vouchersBehind'
  // Stop before the next interval could deliver energy (and time) the deposit or channel cannot pay for.
  const interval = config.payment.meterIntervalMs
  const nextWh = session.energyWh + Math.ceil((powerW * interval) / 3_600_000)
  const { chargingSeconds, idleSeconds } = elapsedSeconds(session, clock.now())
  const step = Math.ceil(interval / 1000)
  const idle = session.idleSince !== undefined
  const nextCost = tariffCost(
    session.offer.tariff,
    BigInt(nextWh),
    chargingSeconds + (idle ? 0 : step),
    idleSeconds + (idle ? step : 0),
  )
  const limit = session.kind === 'escrow' ? session.escrow.session.deposit : session.channel.remaining
  if (nextCost > limit) return 'depositExhausted'
  return undefined
}

/**
 * The car's next message until `clockMs` passed; the gun coming out (the reading then stops the charge) or the car's
 * refund request or an operator's command (`interrupt`) ends the wait early.
 */
async function receiveUntilUnplugged(
  runtime: PileRuntime,
  link: LinkSession,
  clockMs: number,
  signal: AbortSignal,
  interrupt: AbortSignal | undefined,
): Promise<ApplicationMessage | undefined> {
  const wake = new AbortController()
  const onAbort = () => wake.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  interrupt?.addEventListener('abort', onAbort, { once: true })
  if (interrupt?.aborted) wake.abort()
  const unsubscribe = runtime.hardware.gun.onEdge((edge) => {
    if (!edge.level) wake.abort()
  })
  try {
    const message = await receive(link, { clockMs, signal: wake.signal })
    signal.throwIfAborted()
    return message
  } finally {
    unsubscribe()
    signal.removeEventListener('abort', onAbort)
    interrupt?.removeEventListener('abort', onAbort)
  }
}

async function takeMessage<Session extends ChargeSession>(
  runtime: PileRuntime,
  session: Session,
  message: ApplicationMessage,
  logger: { warn(object: object, message: string): void },
): Promise<{ session: Session; stop?: StopReason }> {
  if (message.type === 'StopRequest') {
    // A full car under a tariff that prices overstay does not end the session: it idles, billed, until unplugged.
    if (
      message.reason !== 'batteryFull' ||
      session.kind === 'free' ||
      session.offer.tariff.idlePerMinute === 0n
    )
      return { session, stop: message.reason }
    return { session: { ...session, idleSince: session.idleSince ?? runtime.clock.now() } }
  }
  if (message.type !== 'Voucher' || session.kind === 'free') {
    logger.warn({ type: message.type }, 'unexpected message while charging')
    return { session }
  }
  const voucher = await verifyVoucher(runtime, session, message)
  if (!voucher) {
    logger.warn(
      { session: session.id, energyWh: message.energyWh, amount: String(message.amount) },
      'voucher refused',
    )
    await runtime.session
      ?.send({ type: 'Error', code: 'badVoucher', text: 'voucher refused' })
      .catch(() => {})
    return { session }
  }
  return { session: { ...session, voucher } }
}

function stopWith<D extends { session?: unknown }>(
  data: D,
  session: ChargeSession,
  reason: StopReason,
  now: number,
): D {
  return {
    ...data,
    session: { ...session, stopReason: session.stopReason ?? reason, endedAt: session.endedAt ?? now },
  }
}

/**
 * Relay off first, always. Then the last word with the car: ChargingStopped with the final reading, and its final
 * voucher. After a restart the link is gone: the car is given a while to reconnect and prove it is the same car.
 */
export const stopping: PileStep<'stopping'> =
  (runtime) =>
  async ({ data, signal, logger }) => {
    let session = sessionOf(data, 'stopping')
    const { hardware, config } = runtime
    await hardware.relay.set(false)
    runtime.stopGunWatch?.()
    if (session.meterStartWh !== undefined) {
      try {
        const reading = await readMeter(runtime, signal, logger)
        session = {
          ...session,
          energyWh: Math.max(session.energyWh, Math.round(reading.energyWh - session.meterStartWh)),
        }
      } catch (error) {
        if (!(error instanceof MeterUnavailableError)) throw error
      }
    }
    // A car that asked for its refund gets no more waiting: the pile settles what it holds inside the window.
    const refund =
      session.kind === 'escrow' ? watchRefund(runtime, session.escrow, logger).requested : undefined
    const until = refund ? AbortSignal.any([signal, refund]) : signal
    // A car whose link drops before its final voucher (its agent restarted) is given until the deadline to come back
    // and deliver it: the pile must not settle for less than the car signed.
    const deadline = runtime.clock.now() + config.link.reconnectTimeoutMs
    for (let attempt = 0; !refund?.aborted && (attempt === 0 || runtime.clock.now() < deadline); attempt++) {
      const link = await reachCar(runtime, session, signal, refund, deadline - runtime.clock.now())
      if (!link) {
        logger.warn({ session: session.id }, 'car unreachable; settling with the last voucher')
        break
      }
      try {
        await link.send({
          type: 'ChargingStopped',
          reason: (session.stopReason as StopReason | undefined) ?? 'other',
          energyWh: session.energyWh,
          ...elapsedSeconds(session, runtime.clock.now()),
        })
        if (session.kind !== 'free') {
          const collected = await collectFinalVoucher(runtime, link, session, signal, until, logger)
          session = collected.session
          if (collected.dropped) throw collected.dropped
        }
        break
      } catch (error) {
        signal.throwIfAborted()
        if (!isLinkFailure(error)) throw error
        logger.warn({ err: error, session: session.id }, 'car gone before its final voucher')
        await closeLink(runtime)
      }
    }
    return { event: 'STOPPED', data: { ...data, session } }
  }

/**
 * Whether the latest voucher pays for the final reading: its energy and its seconds. A voucher for the energy alone
 * may be the car's last one from charging, still on the line (or sent again after a rejoin), with the final voucher
 * right behind it for the seconds since.
 */
function coversFinal(session: PaidSession, now: number): boolean {
  const { voucher } = session
  if (!voucher) return false
  // The seconds ChargingStopped told the car: they end at `endedAt`.
  const final = elapsedSeconds(session, now)
  return (
    voucher.energyWh >= session.energyWh &&
    voucher.chargingSeconds >= final.chargingSeconds &&
    voucher.idleSeconds >= final.idleSeconds
  )
}

/**
 * Takes vouchers until one covers the final reading, or the car's answer time since ChargingStopped is up. A voucher
 * below it, or one refused, is not the car's last word: it may be a stale one still on the line, with the final one
 * behind it (a car under load signs and journals slowly), so it leaves the rest of that time to the car. A car that
 * disputes the rest costs the pile that wait. A link that drops meanwhile is returned as `dropped`, with the vouchers
 * taken before it.
 */
async function collectFinalVoucher(
  runtime: PileRuntime,
  link: LinkSession,
  session: PaidSession,
  signal: AbortSignal,
  until: AbortSignal,
  logger: { warn(object: object, message: string): void },
): Promise<{ session: PaidSession; dropped?: unknown }> {
  let current = session
  const left = answerWindow(runtime)
  for (;;) {
    let message: ApplicationMessage | undefined
    try {
      message = await receive(link, { ...left(), signal: until })
    } catch (error) {
      signal.throwIfAborted()
      if (!isLinkFailure(error)) throw error
      return { session: current, dropped: error }
    }
    signal.throwIfAborted()
    if (!message) return { session: current }
    if (message.type !== 'Voucher') continue
    current = (await takeMessage(runtime, current, message, logger)).session
    if (coversFinal(current, runtime.clock.now())) return { session: current }
  }
}
