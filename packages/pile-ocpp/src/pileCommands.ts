import type { OcppClientHandlers } from '@chargechain/ocpp'
import type { PileAgent } from '@chargechain/pile'
import type { PileReport } from './reportPile.js'
import { endSessionForReset } from './reset.js'

export interface PileCommandOptions {
  /** The connector the agent drives; 1 by default. */
  connector?: number
  /** Where TriggerMessage MeterValues reports the reading it takes; without it that trigger is NotImplemented. */
  report?: Pick<PileReport, 'reading'>
  /**
   * Restarts the pile's OCPP client and agent (Soft) or its process (Hard); called once, after the session in
   * progress ended as an ordinary stop. Without it Reset is Rejected.
   */
  restart?: (type: 'Soft' | 'Hard') => void
  /** A triggered meter reading that failed; by default it is dropped. */
  onError?: (error: unknown) => void
}

/**
 * The management server's commands answered by a pile agent, as a charger under OCPP 1.6J does: RemoteStopTransaction
 * and ChargeChain's `stopAt` for its session (the transaction's reference is the session id, as `reportPile` files
 * it); ChangeAvailability for the pile or its connector; TriggerMessage MeterValues (the client itself answers
 * BootNotification, Heartbeat and StatusNotification); Reset, which stops the session first. A transaction this pile
 * does not know, or one already over, is refused. UnlockConnector has no handler: the pile's hardware has no
 * connector lock to release, so the client answers NotSupported, as OCPP asks of a charger without one.
 */
export function pileCommandHandlers(
  agent: Pick<PileAgent, 'on' | 'stop' | 'stopAt' | 'setAvailable' | 'status' | 'readMeter'>,
  options: PileCommandOptions = {},
): OcppClientHandlers {
  const connector = options.connector ?? 1
  const { report, restart } = options
  const onError = options.onError ?? (() => {})
  const ours = (connectorId: number | undefined) =>
    connectorId === undefined || connectorId === 0 || connectorId === connector
  let resetting = false
  return {
    stop: ({ ref }) => ref !== undefined && agent.stop(ref, 'operatorStopped'),
    stopAt: ({ ref }, energyWh) =>
      ref !== undefined && Number.isSafeInteger(energyWh) && energyWh >= 0 && agent.stopAt(ref, energyWh),
    async availability(connectorId, type) {
      if (!ours(connectorId)) return 'Rejected'
      // Answered once journaled: a pile restarted after the answer keeps it.
      await agent.setAvailable(type === 'Operative')
      // A car already at the pile is served to the end; the pile takes no new one after it.
      return type === 'Inoperative' && agent.status().session ? 'Scheduled' : 'Accepted'
    },
    ...(report && {
      triggerMeterValues(connectorId) {
        // The client has already said Accepted; another connector's readings are not ours to send.
        if (ours(connectorId)) agent.readMeter().then(report.reading, onError)
      },
    }),
    ...(restart && {
      reset(type) {
        // A second Reset while the first waits for its session is the same reset.
        if (!resetting) {
          resetting = true
          void endSessionForReset(agent).then(() => restart(type))
        }
        return true
      },
    }),
  }
}
