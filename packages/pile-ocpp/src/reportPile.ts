import type { ChargePointStatus, OcppClient, StopReason } from '@chargechain/ocpp'
import type { PileAgent, PileState } from '@chargechain/pile'

/** What OCPP 1.6 calls each of the pile agent's states (a pile with one connector). */
export const statusOfState: Record<PileState, ChargePointStatus> = {
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

export interface ReportPileOptions {
  /** The connector the agent drives; 1 by default. */
  connector?: number
  /** Least time between two MeterValues of a transaction (OCPP's MeterValueSampleInterval); 60 s by default. */
  meterIntervalMs?: number
  /** Turns the agent's clock ms into a time stamp; by default they are taken as epoch ms. */
  dateOf?: (clockMs: number) => Date
  /** A report that could not even be queued (the client was closed); by default it is dropped. */
  onError?: (error: unknown) => void
}

export interface PileReport {
  /** Stops following the agent (what was reported is still queued). */
  stop(): void
  /** Resolves once everything reported so far is in the client's queue: wait for it before closing the client. */
  queued(): Promise<void>
  /**
   * Reports a reading taken on demand (TriggerMessage MeterValues): under the open transaction while there is one,
   * else as the connector's register alone. Queued after everything reported before it.
   */
  reading(reading: Pick<Awaited<ReturnType<PileAgent['readMeter']>>, 'energyWh' | 'powerW' | 'at'>): void
}

/**
 * Reports a pile agent to the management server through `client`: its status at once, as a charger does after it
 * boots (so a restarted pile the operator made unavailable says Unavailable), then a status on each state change
 * (Unavailable when the operator made an idle pile so), a transaction per
 * session filed under its chain session, meter values at most every `meterIntervalMs`, and the stop with the
 * register. Each transaction's reference is the session id, so a pile restarted mid-session (same file queue)
 * still reports the session it resumes. Reports are queued one after another, in the order the agent emitted them.
 */
export function reportPile(
  agent: Pick<PileAgent, 'on' | 'status'>,
  client: Pick<OcppClient, 'status' | 'startTransaction' | 'meterValues' | 'stopTransaction'>,
  options: ReportPileOptions = {},
): PileReport {
  const connector = options.connector ?? 1
  const meterIntervalMs = options.meterIntervalMs ?? 60_000
  const dateOf = options.dateOf ?? ((clockMs: number) => new Date(clockMs))
  const onError = options.onError ?? (() => {})
  let tail = Promise.resolve()
  const report = (send: () => Promise<unknown>) => {
    tail = tail.then(send).then(() => {}, onError)
  }
  let lastStatus: ChargePointStatus | undefined
  const now = agent.status()
  let state: PileState = now.state
  let available = now.available
  const lastMeterAt = new Map<string, number>()
  /** The session whose transaction is open: started and not yet stopped. */
  let open: string | undefined
  const reportStatus = () => {
    // Unavailable shows once the pile is idle: a car already charging is served to the end.
    const status = !available && state === 'idle' ? 'Unavailable' : statusOfState[state]
    if (status === lastStatus) return
    lastStatus = status
    report(() => client.status(connector, status))
  }

  const offs = [
    agent.on('state', (change) => {
      state = change.state
      reportStatus()
    }),
    agent.on('availability', (change) => {
      available = change.available
      reportStatus()
    }),
    agent.on('sessionStarted', ({ id, kind, vehicle, meterStartWh, at, sessionId, channelId }) => {
      lastMeterAt.set(id, at)
      open = id
      report(() =>
        client.startTransaction({
          connector,
          // OCPP's idTag is at most 20 characters: the car's address without 0x, cut.
          idTag: vehicle.slice(2, 22),
          meterStartWh,
          at: dateOf(at),
          ref: id,
          // Under the chain's id an escrow order is the one the server's indexer completes from the chain.
          session: { sessionId, kind, vehicle, ...(channelId === undefined ? {} : { channelId }) },
        }),
      )
    }),
    agent.on('meter', ({ id, registerWh, powerW, at }) => {
      // A pile restarted mid-session resumes its transaction without a new start.
      open = id
      const last = lastMeterAt.get(id)
      if (last !== undefined && at - last < meterIntervalMs) return
      lastMeterAt.set(id, at)
      report(() => client.meterValues(connector, id, [{ at: dateOf(at), energyWh: registerWh, powerW }]))
    }),
    agent.on('sessionFinished', ({ id, energyWh, meterStartWh, endedAt, stopReason }) => {
      lastMeterAt.delete(id)
      if (open === id) open = undefined
      // A session that never charged has no transaction to stop.
      if (meterStartWh === undefined) return
      const meterStopWh = meterStartWh + energyWh
      const stoppedAt = dateOf(endedAt ?? Date.now())
      report(() =>
        client.stopTransaction(id, {
          meterStopWh,
          reason: ocppStopReason(stopReason),
          at: stoppedAt,
          // The final register goes with the stop, so the curve ends where the bill does.
          readings: [{ at: stoppedAt, energyWh: meterStopWh }],
        }),
      )
    }),
  ]
  reportStatus()
  return {
    stop() {
      for (const off of offs) off()
    },
    queued: () => tail,
    reading({ energyWh, powerW, at }) {
      const transaction = open ?? null
      report(() => client.meterValues(connector, transaction, [{ at: dateOf(at), energyWh, powerW }]))
    },
  }
}

/**
 * OCPP 1.6's reason for the pile's stop: the operator's (RemoteStop, Reset) is Remote; a limit reached at the pile
 * (the car's or the operator's stop at N Wh) or the car's own request, Local; the gun pulled, EVDisconnected; the
 * rest (payment, meter, link or fault) has no reason of its own in OCPP.
 */
function ocppStopReason(stopReason: string | undefined): StopReason {
  switch (stopReason) {
    case 'operatorStopped':
      return 'Remote'
    case 'targetReached':
    case 'vehicleRequested':
    case 'batteryFull':
      return 'Local'
    case 'gunRemoved':
    case undefined:
      return 'EVDisconnected'
    default:
      return 'Other'
  }
}
