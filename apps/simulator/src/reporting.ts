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

export async function connectPileReporter(
  pile: PilePlan,
  credentials: ChargerCredentials,
  logger: Logger,
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
            session: { sessionId: id, kind, vehicle },
          })
          report(transaction)
        }),
        agent.on('meter', ({ energyWh }) => {
          const started = transaction
          if (!started) return
          report(
            started.then((reference) =>
              client.meterValues(1, reference, [{ at: new Date(), energyWh: meterStartWh + energyWh }]),
            ),
          )
        }),
        agent.on('sessionFinished', ({ energyWh }) => {
          const started = transaction
          if (!started) return
          transaction = undefined
          report(
            started.then((reference) =>
              client.stopTransaction(reference, {
                meterStopWh: meterStartWh + energyWh,
                reason: 'EVDisconnected',
              }),
            ),
          )
        }),
      ]
      return () => {
        for (const off of offs) off()
      }
    },
    close: () => client.close(),
  }
}
