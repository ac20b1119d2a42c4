import { type ApplicationMessage, isLinkDrop, type LinkSession } from '@chargechain/link'
import { nextMessage, show, type VehicleRuntime, type VehicleStep } from '../runtime.js'
import {
  type ChargeSession,
  type PaidSession,
  sessionOf,
  type VehicleVoucher,
  voucherOf,
} from '../session.js'
import type { VehicleData } from '../types.js'
import { rejoin } from './rejoin.js'
import {
  type Billed,
  billedBy,
  billsMore,
  receiptOf,
  signFor,
  voucherMessage,
  withinTimeTolerance,
  withinTolerance,
} from './vouchers.js'

/**
 * One message from the pile at a time. A reading the car's own meter confirms is vouchered: the voucher is signed,
 * journaled (the VOUCHER transition) and only then sent, on re-entry. A reading beyond tolerance is not vouchered and
 * the car asks to stop.
 */
export const charging: VehicleStep<'charging'> =
  (runtime) =>
  async ({ data, logger }) => {
    let session = sessionOf(data, 'charging')
    const link = runtime.session
    if (!link) return { event: 'LINK_LOST' }
    if (link.closed) {
      // What the pile sent before the link closed may end the charge (ChargingStopped, its receipt): read it first.
      for (let message = await nextMessage(link, 0); message; message = await nextMessage(link, 0)) {
        const end = chargeEnd(data, session, message)
        if (end) return end
      }
      return { event: 'LINK_LOST' }
    }
    await show(runtime, 'charging')
    const journaled = voucherOf(session)
    if (journaled && !session.stopRequested) await link.send(voucherMessage(journaled)).catch(() => {})
    for (;;) {
      const message = await nextMessage(link, runtime.config.link.silenceTimeoutMs)
      if (!message) return { event: 'LINK_LOST' }
      const end = chargeEnd(data, session, message)
      if (end) return end
      switch (message.type) {
        case 'ChargingStarted': {
          // A pile that restarted mid-charge goes on with the same session: the car's count keeps its start.
          if (session.chargingSince !== undefined) continue
          const meterStartWh = session.meterStartWh ?? (await runtime.hardware.meter.read()).energyWh
          session = { ...session, meterStartWh, chargingSince: runtime.clock.now() }
          // Journaled so that the car's own count survives a restart.
          return { event: 'VOUCHER', data: withSession(data, session) }
        }
        case 'MeterReading': {
          const own = await runtime.hardware.meter.read()
          const ownWh = own.energyWh - (session.meterStartWh ?? 0)
          await askToStopAtTarget(runtime, link, ownWh, own.stateOfCharge)
          if (own.stateOfCharge >= 1 && session.fullSince === undefined) {
            // Full: the pile stops, or, if its tariff prices overstay, bills idling from here until the gun is out.
            await link.send({ type: 'StopRequest', reason: 'batteryFull' })
            return {
              event: 'VOUCHER',
              data: withSession(data, { ...session, fullSince: runtime.clock.now() }),
            }
          }
          if (session.kind === 'free' || session.stopRequested) continue
          if (!withinTolerance(runtime, message.energyWh, ownWh)) {
            logger.warn({ pileWh: message.energyWh, ownWh }, 'pile reads beyond tolerance; stopping')
            runtime.emit('meterMismatch', { pileId: session.pileId, pileWh: message.energyWh, ownWh })
            session = { ...session, stopRequested: 'meterMismatch' }
            await link.send({ type: 'StopRequest', reason: 'meterMismatch' })
            return { event: 'VOUCHER', data: withSession(data, session) }
          }
          if (!withinTimeTolerance(runtime, session, message)) {
            const { chargingSeconds, idleSeconds } = message
            logger.warn({ chargingSeconds, idleSeconds }, "pile's seconds beyond the car's clock; stopping")
            session = { ...session, stopRequested: 'meterMismatch' }
            await link.send({ type: 'StopRequest', reason: 'meterMismatch' })
            return { event: 'VOUCHER', data: withSession(data, session) }
          }
          const paid: PaidSession = session
          const billed: Billed = {
            energyWh: message.energyWh,
            chargingSeconds: message.chargingSeconds,
            idleSeconds: message.idleSeconds,
          }
          if (!billsMore(billed, billedBy(paid.voucher))) continue
          if (tooSoon(runtime, paid)) continue
          runtime.voucheredAt = runtime.clock.now()
          const voucher = await signFor(runtime, paid, billed)
          runtime.emit('voucher', {
            pileId: session.pileId,
            energyWh: voucher.energyWh,
            amount: voucher.amount,
          })
          return { event: 'VOUCHER', data: withVoucher(data, { ...paid, voucher }) }
        }
        case 'AuthResult':
        case 'PaymentResult':
          // A pile that restarted confirms the session it had granted; this car knew.
          continue
        case 'Error':
          logger.warn({ code: message.code, text: message.text }, 'pile reported an error')
          continue
        default:
          logger.warn({ type: message.type }, 'unexpected message while charging')
      }
    }
  }

/**
 * The pile's word that the charge is over: ChargingStopped with the final reading, or its receipt — it finished the
 * visit while this car was away (stopped, waited for it and settled what it had): nothing is left to sign or deliver.
 */
function chargeEnd(data: VehicleData, session: ChargeSession, message: ApplicationMessage) {
  if (message.type === 'ChargingStopped')
    return {
      event: 'STOPPED' as const,
      data: withSession(data, {
        ...session,
        finalWh: message.energyWh,
        finalSeconds: { chargingSeconds: message.chargingSeconds, idleSeconds: message.idleSeconds },
      }),
    }
  if (message.type === 'Receipt')
    return {
      event: 'RECEIPT' as const,
      data: withSession(data, { ...session, receipt: receiptOf(message) }),
    }
  return undefined
}

/**
 * Each voucher costs an fsync of the journal, so the pile does not get to set their pace: readings that come faster
 * than half the agreed meter interval after the last voucher are not vouchered (the next one in time is, for all the
 * energy so far; the final voucher covers the rest). An honest pile's readings, one per interval, all are.
 */
function tooSoon(runtime: VehicleRuntime, session: PaidSession): boolean {
  if (runtime.voucheredAt === undefined) return false
  return runtime.clock.now() - runtime.voucheredAt < session.terms.meterIntervalMs / 2
}

/** The driver's energy or charge target reached (or requestStop() called before the charge began): ask once. */
async function askToStopAtTarget(
  runtime: VehicleRuntime,
  link: LinkSession,
  ownWh: number,
  stateOfCharge: number,
): Promise<void> {
  if (runtime.stop.sent) return
  const { stopAtEnergyWh, stopAtSoc } = runtime.config.charge
  const reached =
    (stopAtEnergyWh !== undefined && ownWh >= stopAtEnergyWh) ||
    (stopAtSoc !== undefined && stateOfCharge >= stopAtSoc)
  if (!reached && !runtime.stop.wanted) return
  runtime.stop.sent = true
  await link.send({ type: 'StopRequest', reason: reached ? 'targetReached' : 'vehicleRequested' })
}

export function withSession(data: VehicleData, session: ChargeSession): VehicleData {
  return { ...data, session }
}

/** Journals the voucher and, for a channel, the channel's new cumulative amount: the next session's base. */
export function withVoucher(
  data: VehicleData,
  session: PaidSession & { voucher: VehicleVoucher },
): VehicleData {
  const channels =
    session.kind === 'channel'
      ? { ...data.channels, [session.channel.channelId.toLowerCase()]: session.voucher.amount }
      : data.channels
  return { ...data, session, channels }
}

/** The link dropped (or either agent restarted): wait for the same pile to greet again and prove ourselves. */
export const reconnecting: VehicleStep<'reconnecting'> =
  (runtime) =>
  async ({ data, signal, logger }) => {
    const link = await rejoin(runtime, sessionOf(data, 'reconnecting'), signal, logger)
    return { event: link ? 'RECONNECTED' : 'GAVE_UP' }
  }

/** The final voucher: for the pile's final reading if the car's meter confirms it, else the last one it confirmed. */
export const stopped: VehicleStep<'stopped'> =
  (runtime) =>
  async ({ data }) => {
    const session = sessionOf(data, 'stopped')
    if (session.kind === 'free') return { event: 'SIGNED' }
    const final: Billed = {
      energyWh: session.finalWh ?? 0,
      chargingSeconds: session.finalSeconds?.chargingSeconds ?? 0,
      idleSeconds: session.finalSeconds?.idleSeconds ?? 0,
    }
    if (!session.stopRequested && billsMore(final, billedBy(session.voucher))) {
      const ownWh = (await runtime.hardware.meter.read()).energyWh - (session.meterStartWh ?? 0)
      if (withinTolerance(runtime, final.energyWh, ownWh) && withinTimeTolerance(runtime, session, final)) {
        const voucher = await signFor(runtime, session, final)
        runtime.emit('voucher', {
          pileId: session.pileId,
          energyWh: voucher.energyWh,
          amount: voucher.amount,
        })
        return { event: 'SIGNED', data: withVoucher(data, { ...session, voucher }) }
      }
      runtime.emit('meterMismatch', { pileId: session.pileId, pileWh: final.energyWh, ownWh })
    }
    // Nothing new to pay: a zero voucher still tells the pile the car has answered.
    if (!session.voucher)
      return {
        event: 'SIGNED',
        data: withVoucher(data, {
          ...session,
          voucher: await signFor(runtime, session, billedBy(undefined)),
        }),
      }
    return { event: 'SIGNED' }
  }

/**
 * Sends the final voucher (again, after a restart: same voucher, never less) and waits for the receipt, which the pile
 * sends only once that voucher is on its journal: a link-level acknowledgement is not enough (a pile killed between
 * acknowledging and journaling would settle one voucher short). So a car that lost the link before the receipt,
 * free or paying, rejoins the pile and delivers its voucher again; the pile waits for it before it settles, and after
 * settling waits for the car to hand it the receipt. Gives up only with the rejoin (the pile never came back, or the
 * chain shows the escrow session ended) or when a connected pile stays silent.
 */
export const finishing: VehicleStep<'finishing'> =
  (runtime) =>
  async ({ data, signal, logger }) => {
    const session = sessionOf(data, 'finishing')
    const owed = voucherOf(session)
    let link = runtime.session
    for (;;) {
      try {
        if (link) {
          // On a link that closed, what the pile sent before it went (its receipt, maybe) is still to be read.
          if (owed)
            await link.send(voucherMessage(owed)).catch((error: unknown) => {
              if (!isLinkDrop(error)) throw error
            })
          for (;;) {
            const message = await link.next({ timeoutMs: runtime.config.link.answerTimeoutMs })
            if (message.type !== 'Receipt') continue
            return { event: 'RECEIPT', data: withSession(data, { ...session, receipt: receiptOf(message) }) }
          }
        }
      } catch (error) {
        signal.throwIfAborted()
        if (!isLinkDrop(error)) return { event: 'NO_RECEIPT' }
        logger.warn({ err: error, pileId: session.pileId }, 'link lost before the receipt; rejoining')
      }
      link = await rejoin(runtime, session, signal, logger)
      if (!link) return { event: 'NO_RECEIPT' }
    }
  }
