import { setTimeout as sleep } from 'node:timers/promises'
import {
  createMemoryQueue,
  createOcppClient,
  type OcppClient,
  type OcppClientHandlers,
} from '@chargechain/ocpp'
import type { ChannelLedger, PileAgent } from '@chargechain/pile'
import { ocppChannelLedger, pileCommandHandlers, reportPile } from '@chargechain/pile-ocpp'
import type { Logger } from 'pino'
import type { PilePlan } from './fleet.js'

/** Reports one simulated pile to the management server over OCPP, as a real pile agent does, and takes its stops. */
export interface PileReporter {
  /** The operator's channel ledger on the server, reached over this pile's connection. */
  ledger: ChannelLedger
  /** Follows one visit's pile agent until the returned function is called. */
  watch(agent: PileAgent): () => void
  /** Closes the connection once everything reported (the vouchers recorded above all) reached the server. */
  close(): Promise<void>
}

/** How long closing waits for the server to take what is still queued. */
const flushWaitMs = 15_000

export interface ChargerCredentials {
  /** `ws://host:port/ocpp` */
  url: string
  identity: string
  password: string
}

/**
 * One OCPP connection per simulated pile, reporting each visit's agent as the pile agent does (`reportPile`).
 * Transactions and meter readings carry the times the agent's events carry, the simulated clock's (which starts at
 * the real now): the energy of a simulated minute is stamped with a minute, so the server judges it against the
 * pile's rated power as it would a real pile's. Stamped in real time at 300× speed, an hour's energy would seem to
 * flow in 12 s: every reading an implausible jump, and a free session's energy refused.
 */
export async function connectPileReporter(
  pile: PilePlan,
  credentials: ChargerCredentials,
  logger: Logger,
): Promise<PileReporter> {
  // The operator's stops reach the visit being watched. Availability and Reset are left out: a simulated pile's
  // agent lives for one visit, so neither would outlast it (the client answers Rejected).
  const handlers: OcppClientHandlers = {}
  const client: OcppClient = await createOcppClient({
    handlers,
    url: credentials.url,
    identity: credentials.identity,
    password: credentials.password,
    connectors: 1,
    queue: createMemoryQueue(),
    boot: {
      vendor: 'ChargeChain',
      model: pile.charger.kind === 'ac' ? 'AC 7 kW' : 'DC 60 kW',
      firmwareVersion: '1.0.0',
    },
    logger: logger.child({ ocpp: credentials.identity }),
  })
  await client.start()
  let last = Promise.resolve()
  return {
    ledger: ocppChannelLedger(client),
    watch(agent) {
      const report = reportPile(agent, client, {
        onError: (error) => logger.warn({ err: error, pile: pile.dmid }, 'OCPP report failed'),
      })
      const { stop, stopAt, triggerMeterValues } = pileCommandHandlers(agent, {
        report,
        onError: (error) => logger.warn({ err: error, pile: pile.dmid }, 'a meter reading asked for failed'),
      })
      Object.assign(handlers, { stop, stopAt, triggerMeterValues })
      return () => {
        delete handlers.stop
        delete handlers.stopAt
        delete handlers.triggerMeterValues
        report.stop()
        last = report.queued()
      }
    },
    async close() {
      await last
      // The queue is in memory: what is not delivered now is lost, and a voucher lost is never settled. A server
      // gone for good must not hold the simulator's exit, though.
      const flushed = await Promise.race([
        client.flushed().then(() => true),
        sleep(flushWaitMs, false, { ref: false }),
      ])
      if (!flushed)
        logger.warn({ pile: pile.dmid }, 'OCPP reports not delivered before the simulator stopped')
      await client.close()
    },
  }
}
