import type { ConnectorStatus, Pile, PileState } from './api/types'

/**
 * A whole pile's state, as the overview counts piles: faulted if any connector (or the pile, connector 0) is,
 * else charging if any connector charges, else online if any connector reports, else offline.
 */
export function pileState(pile: Pick<Pile, 'connectors'>): PileState {
  const statuses: ConnectorStatus[] = pile.connectors.map((connector) => connector.status)
  if (statuses.includes('faulted')) return 'faulted'
  if (statuses.includes('charging')) return 'charging'
  if (statuses.some((status) => status !== 'offline')) return 'online'
  return 'offline'
}

/** The order charging on the pile now, if one is. */
export function chargingOrderId(pile: Pick<Pile, 'connectors'>): number | null {
  return (
    pile.connectors.find((connector) => connector.status === 'charging' && connector.orderId !== null)
      ?.orderId ?? null
  )
}

export const pileStateColor: Record<PileState, string> = {
  online: '#389e0d',
  charging: '#0958d9',
  faulted: '#cf1322',
  offline: '#595959',
}
