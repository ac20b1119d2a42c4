import type { OcppClientHandlers } from '@chargechain/ocpp'
import type { PileAgent } from '@chargechain/pile'

/**
 * The management server's commands answered by a pile agent: RemoteStopTransaction and ChargeChain's `stopAt` for
 * its session (the transaction's reference is the session id, as `reportPile` files it), and ChangeAvailability for
 * the pile or its connector. A transaction this pile does not know, or one already over, is refused.
 */
export function pileCommandHandlers(
  agent: Pick<PileAgent, 'stop' | 'stopAt' | 'setAvailable' | 'status'>,
  options: { connector?: number } = {},
): OcppClientHandlers {
  const connector = options.connector ?? 1
  return {
    stop: ({ ref }) => ref !== undefined && agent.stop(ref, 'operatorStopped'),
    stopAt: ({ ref }, energyWh) =>
      ref !== undefined && Number.isSafeInteger(energyWh) && energyWh >= 0 && agent.stopAt(ref, energyWh),
    availability(connectorId, type) {
      if (connectorId !== 0 && connectorId !== connector) return 'Rejected'
      agent.setAvailable(type === 'Operative')
      // A car already at the pile is served to the end; the pile takes no new one after it.
      return type === 'Inoperative' && agent.status().session ? 'Scheduled' : 'Accepted'
    },
  }
}
