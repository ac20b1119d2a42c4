import type { Clock } from '@chargechain/hardware'
import {
  type ChargePointStatus,
  createMemoryQueue,
  createOcppClient,
  type OcppClient,
} from '@chargechain/ocpp'
import type { PileAgent, PileState } from '@chargechain/pile'
import type { Logger } from 'pino'
import type { PilePlan } from './fleet.js'

/** Reports one simulated pile to the management server over OCPP, as a real pile agent does. */
export interface PileReporter {
  /** Follows one visit's pile agent; `meterStartWh` is the pile's energy register when the visit began. */
  watch(agent: PileAgent, meterStartWh: number): () => void
  close(): Promise<void>
}

export interface ChargerCredentials {
  /** `ws://host:port/ocpp` */
  url: string
  identity: string
  password: string
}

const statusOf: Record<PileState, ChargePointStatus> = {
  idle: 'Available',
  connecting: 'Preparing',
  authenticating: 'Preparing',
  awaitingPayment: 'Preparing',
  starting: 'Preparing',
  charging: 'Charging',
  stopping: 'Finishing',
  settling: 'Finishing',
  receipt: 'Finishing',
  departing: 'Finishing',
}

/**
 * Transactions and meter readings carry the simulated clock's time (`clock`, which starts at the real now): the
 * energy of a simulated minute is stamped with a minute, so the server judges it against the pile's rated power as
 * it would a real pile's. Stamped in real time at 300× speed, an hour's energy would seem to flow in 12 s: every
 * reading an implausible jump, and a free session's energy (meter start to stop) refused.
 */
export async function connectPileReporter(
  pile: PilePlan,
  credentials: ChargerCredentials,
  logger: Logger,
  clock: Pick<Clock, 'now'>,
): Promise<PileReporter> {
  const client: OcppClient = await createOcppClient({
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
  let lastStatus: ChargePointStatus | undefined
  const report = (task: Promise<unknown>) => {
    task.catch((error: unknown) => logger.warn({ err: error, pile: pile.dmid }, 'OCPP report failed'))
  }
  const now = () => new Date(clock.now())
  return {
    watch(agent, meterStartWh) {
      let transaction: Promise<string> | undefined
      const offs = [
        agent.on('state', ({ state }) => {
          const status = statusOf[state]
          if (status === lastStatus) return
          lastStatus = status
          report(client.status(1, status))
        }),
        agent.on('sessionStarted', ({ id, kind, vehicle }) => {
          transaction = client.startTransaction({
            connector: 1,
            idTag: vehicle.slice(2, 22),
            meterStartWh,
            at: now(),
            session: { sessionId: id, kind, vehicle },
          })
          report(transaction)
        }),
        agent.on('meter', ({ energyWh, at }) => {
          const started = transaction
          if (!started) return
          // Stamped when the meter measured it: the event can come a simulated half-minute later at 300×.
          const reading = { at: new Date(at), energyWh: meterStartWh + energyWh }
          report(started.then((reference) => client.meterValues(1, reference, [reading])))
        }),
        agent.on('sessionFinished', ({ energyWh }) => {
          const started = transaction
          if (!started) return
          transaction = undefined
          const stop = { meterStopWh: meterStartWh + energyWh, reason: 'EVDisconnected' as const, at: now() }
          report(started.then((reference) => client.stopTransaction(reference, stop)))
        }),
      ]
      return () => {
        for (const off of offs) off()
      }
    },
    close: () => client.close(),
  }
}
