import { EventEmitter, once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type ChargePointStatus,
  createMemoryQueue,
  createOcppClient,
  type OcppClient,
  type OcppClientHandlers,
} from '@chargechain/ocpp'
import type { ChannelLedger, PileAgent } from '@chargechain/pile'
import { ocppChannelLedger, type PileReport, pileCommandHandlers, reportPile } from '@chargechain/pile-ocpp'
import type { Logger } from 'pino'
import type { PilePlan } from './fleet.js'

/**
 * Reports one simulated pile to the management server over OCPP, as a real pile agent does, and takes the operator's
 * commands: its stops, ChangeAvailability (kept by the pile, not the visit) and Reset.
 */
export interface PileReporter {
  /** The operator's channel ledger on the server, reached over this pile's connection. */
  ledger: ChannelLedger
  /**
   * Gives one visit's pile agent the pile's availability, then follows it until the returned function is called.
   * Call it before the agent runs.
   */
  watch(agent: PileAgent): Promise<() => void>
  /** Resolves once the operator has the pile Operative (at once when it is); rejects when `signal` aborts. */
  untilAvailable(signal: AbortSignal): Promise<void>
  /** Closes the connection once everything reported (the vouchers recorded above all) reached the server. */
  close(): Promise<void>
}

/** How long closing (or a reset) waits for the server to take what is still queued. */
const flushWaitMs = 15_000

export interface ChargerCredentials {
  /** `ws://host:port/ocpp` */
  url: string
  identity: string
  password: string
}

/** What the reports and the ledger call on the pile's OCPP client. */
type ReportTarget = Pick<
  OcppClient,
  'status' | 'startTransaction' | 'meterValues' | 'stopTransaction' | 'channelLedger' | 'reportVoucher'
>

/** The calls made on the client `ready` gives when each is made: reports and the ledger carry on across a reset. */
function clientOf(ready: () => Promise<OcppClient>): ReportTarget {
  return {
    status: async (...args) => (await ready()).status(...args),
    startTransaction: async (...args) => (await ready()).startTransaction(...args),
    meterValues: async (...args) => (await ready()).meterValues(...args),
    stopTransaction: async (...args) => (await ready()).stopTransaction(...args),
    channelLedger: async (...args) => (await ready()).channelLedger(...args),
    reportVoucher: async (...args) => (await ready()).reportVoucher(...args),
  }
}

/**
 * One OCPP connection per simulated pile, reporting each visit's agent as the pile agent does (`reportPile`).
 * Transactions and meter readings carry the times the agent's events carry, the simulated clock's (which starts at
 * the real now): the energy of a simulated minute is stamped with a minute, so the server judges it against the
 * pile's rated power as it would a real pile's. Stamped in real time at 300× speed, an hour's energy would seem to
 * flow in 12 s: every reading an implausible jump, and a free session's energy refused.
 *
 * A simulated pile's agent lives for one visit, so what outlasts a visit is kept here, for the pile: its availability
 * (each visit's agent is given it; between visits this reports Unavailable or Available itself, and `untilAvailable`
 * holds the next car back), and its connection, which a Reset reboots (a new BootNotification) once the visit's
 * session has ended as an operator stop, as `pileCommandHandlers` ends it.
 */
export async function connectPileReporter(
  pile: PilePlan,
  credentials: ChargerCredentials,
  logger: Logger,
): Promise<PileReporter> {
  const handlers: OcppClientHandlers = {}
  // One queue for the pile's successive connections: what one did not deliver, the next sends.
  const queue = createMemoryQueue()
  const connect = async () => {
    const client = await createOcppClient({
      handlers,
      url: credentials.url,
      identity: credentials.identity,
      password: credentials.password,
      connectors: 1,
      queue,
      boot: {
        vendor: 'ChargeChain',
        model: pile.charger.kind === 'ac' ? 'AC 7 kW' : 'DC 60 kW',
        firmwareVersion: '1.0.0',
      },
      logger: logger.child({ ocpp: credentials.identity }),
    })
    await client.start()
    return client
  }
  let client = connect()
  await client
  const current = clientOf(() => client)
  const delivered = (target: OcppClient) =>
    Promise.race([target.flushed().then(() => true), sleep(flushWaitMs, false, { ref: false })])
  const reportFailed = (error: unknown) => logger.warn({ err: error, pile: pile.dmid }, 'OCPP report failed')

  let available = true
  const operative = new EventEmitter()
  /** The visit whose agent is followed, with its report and its command handlers. */
  let visit: { agent: PileAgent; report: PileReport; commands: OcppClientHandlers } | undefined
  /** What was reported outside a visit (and a visit's reports, once it ended), in order. */
  let last = Promise.resolve()

  /** With no agent at the pile, reports its status as a charger does on a change or a boot. */
  const reportIdle = () => {
    const status: ChargePointStatus = available ? 'Available' : 'Unavailable'
    last = last.then(() => current.status(1, status)).catch(reportFailed)
  }

  /** Reports `agent` and hands it the operator's commands; its reports go out after `after`'s. */
  const follow = (agent: PileAgent, after: Promise<void>) => {
    const report = reportPile(
      agent,
      clientOf(async () => {
        await after
        return client
      }),
      { onError: reportFailed },
    )
    const commands = pileCommandHandlers(agent, {
      report,
      restart: reboot,
      onError: (error) => logger.warn({ err: error, pile: pile.dmid }, 'a meter reading asked for failed'),
    })
    visit = { agent, report, commands }
    Object.assign(handlers, {
      stop: commands.stop,
      stopAt: commands.stopAt,
      triggerMeterValues: commands.triggerMeterValues,
    })
  }

  /** The Reset: the connection closes once what it holds is delivered, and the pile connects and boots again. */
  function reboot(type: 'Soft' | 'Hard') {
    logger.info({ pile: pile.dmid, type }, 'reset by the management server: the OCPP connection reboots')
    const previous = client
    client = (async () => {
      const closing = await previous
      // The Reset's answer goes out before the connection closes.
      await new Promise((resolve) => setImmediate(resolve))
      await delivered(closing)
      await closing.close()
      return connect()
    })()
    client.catch((error: unknown) =>
      logger.error({ err: error, pile: pile.dmid }, 'the OCPP connection did not come back after a reset'),
    )
    // A charger that boots reports its status: after everything reported before, on the new connection.
    if (visit) {
      visit.report.stop()
      follow(visit.agent, visit.report.queued())
    } else reportIdle()
  }

  handlers.availability = async (connectorId, type) => {
    if (connectorId !== 0 && connectorId !== 1) return 'Rejected'
    available = type === 'Operative'
    if (available) operative.emit('operative')
    // The visit's agent journals it, answers Scheduled while a car is at the pile, and reports Unavailable once idle.
    if (visit) return (await visit.commands.availability?.(connectorId, type)) ?? 'Rejected'
    reportIdle()
    return 'Accepted'
  }
  handlers.reset = (type) => {
    // The visit's session ends first (an operator stop, settled); `reboot` follows.
    if (visit) return visit.commands.reset?.(type) ?? false
    reboot(type)
    return true
  }

  return {
    ledger: ocppChannelLedger(current),
    async watch(agent) {
      // The pile's availability, not the journal's: the operator may have changed it when no agent was there, or
      // while this was written. Checked and followed in one go, so the next change goes to the agent.
      while (agent.status().available !== available) await agent.setAvailable(available)
      follow(agent, last)
      return () => {
        const ended = visit
        visit = undefined
        delete handlers.stop
        delete handlers.stopAt
        delete handlers.triggerMeterValues
        if (!ended) return
        ended.report.stop()
        last = ended.report.queued()
      }
    },
    async untilAvailable(signal) {
      if (!available) await once(operative, 'operative', { signal })
    },
    async close() {
      await last
      const closing = await client
      // The queue is in memory: what is not delivered now is lost, and a voucher lost is never settled. A server
      // gone for good must not hold the simulator's exit, though.
      if (!(await delivered(closing)))
        logger.warn({ pile: pile.dmid }, 'OCPP reports not delivered before the simulator stopped')
      await closing.close()
    },
  }
}
