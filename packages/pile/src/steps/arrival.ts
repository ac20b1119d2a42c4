import { randomBytes } from 'node:crypto'
import { createVehicleAuthNonce } from '@chargechain/chain'
import { bytesToHex } from 'viem'
import { acceptLink, closeLink, waitForLevel } from '../runtime.js'
import { isChargeSession, sessionOf } from '../session.js'
import type { PileStep } from './types.js'

/** Relay off whatever came before (a crash may have left it on), then wait for a car while the pile is available. */
export const idle: PileStep<'idle'> =
  ({ hardware, clock, commands }) =>
  async ({ data, signal, logger }) => {
    await hardware.relay.set(false)
    await hardware.bluetoothPower?.set(false)
    // An unavailable pile takes no new car: one that arrives meanwhile is served once the pile is available again.
    for (;;) {
      await waitForLevel(hardware.arrival, true, signal)
      if (commands.available) break
      logger.info('car arrived while the pile is unavailable; serving it once available')
      await commands.untilAvailable(signal)
    }
    const id = bytesToHex(randomBytes(16))
    logger.info({ session: id }, 'car arrived')
    return {
      event: 'ARRIVED',
      data: {
        ...data,
        session: { kind: 'arrived', id, nonce: createVehicleAuthNonce(), startedAt: clock.now() },
      },
    }
  }

/**
 * Powers the HC-05 and waits for the car to connect, for as long as the car is there: a driver may take minutes to
 * start the car's agent, and nobody else can use the bay meanwhile. Gives up only when the car leaves.
 */
export const connecting: PileStep<'connecting'> =
  (runtime) =>
  async ({ data, signal, logger }) => {
    const { hardware, config } = runtime
    await hardware.bluetoothPower?.set(true)
    for (let waitedMs = 0; hardware.arrival.current(); ) {
      const session = await acceptLink(runtime, config.link.connectTimeoutMs, signal, (abort) =>
        hardware.arrival.onEdge((edge) => {
          if (!edge.level) abort()
        }),
      )
      if (session) {
        // A fresh challenge for every connection: one journaled before a crash may already have been sent.
        return {
          event: 'CONNECTED',
          data: { ...data, session: { ...sessionOf(data, 'connecting'), nonce: createVehicleAuthNonce() } },
        }
      }
      waitedMs += config.link.connectTimeoutMs
      if (hardware.arrival.current())
        logger.warn({ waitedMs }, 'car present but not connected yet; still waiting')
    }
    logger.info('car left without connecting')
    return { event: 'GONE' }
  }

/** Closes the link and waits for the car to drive off; the HC-05 goes dark until the next car. */
export const departing: PileStep<'departing'> =
  (runtime) =>
  async ({ data, signal, logger }) => {
    const { hardware } = runtime
    runtime.stopGunWatch?.()
    await hardware.relay.set(false)
    await closeLink(runtime)
    await waitForLevel(hardware.arrival, false, signal)
    await hardware.bluetoothPower?.set(false)
    logger.info({ session: data.session?.id }, 'car left')
    const finished = isChargeSession(data.session) && data.session.amount !== undefined
    return { event: 'LEFT', data: { completed: data.completed + (finished ? 1 : 0) } }
  }
