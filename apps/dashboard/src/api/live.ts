import { type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { keys } from './queries'
import type { Connector, LiveEvent, MeterValue, Page, Pile } from './types'

export type LiveStatus = 'connecting' | 'open' | 'closed'

const eventTypes = ['pile', 'connector', 'meter', 'order', 'dispute', 'charger'] as const

/**
 * Follows the server's live stream (`/api/live`) and keeps the query caches current without a reload: connector
 * states and meter readings are written into the cached rows at once; anything else marks the affected queries
 * stale, refetched together at most twice a second. A `gap` (events may have been lost) or a reconnect refetches
 * everything shown.
 */
export function useLiveUpdates(enabled: boolean): LiveStatus {
  const client = useQueryClient()
  const [status, setStatus] = useState<LiveStatus>('connecting')

  useEffect(() => {
    if (!enabled) return
    const stale = new Map<string, QueryKey>()
    let timer: ReturnType<typeof setTimeout> | undefined
    const invalidate = (...queryKeys: QueryKey[]) => {
      for (const queryKey of queryKeys) stale.set(JSON.stringify(queryKey), queryKey)
      timer ??= setTimeout(() => {
        timer = undefined
        const batch = [...stale.values()]
        stale.clear()
        for (const queryKey of batch) void client.invalidateQueries({ queryKey })
      }, 500)
    }

    const source = new EventSource('/api/live')
    let opened = false
    source.onopen = () => {
      // A reconnect may have missed events: everything shown is refetched.
      if (opened) void client.invalidateQueries()
      opened = true
      setStatus('open')
    }
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting')
    source.addEventListener('gap', () => void client.invalidateQueries())
    const onEvent = (message: MessageEvent<string>) => {
      const event = parse(message.data)
      if (event) apply(client, event, invalidate)
    }
    for (const type of eventTypes) source.addEventListener(type, onEvent)
    source.onmessage = onEvent // a server that sends unnamed events

    return () => {
      source.close()
      if (timer) clearTimeout(timer)
    }
  }, [client, enabled])

  return enabled ? status : 'closed'
}

function parse(data: string): LiveEvent | undefined {
  try {
    const event = JSON.parse(data) as LiveEvent
    return typeof event === 'object' && event !== null && typeof event.type === 'string' ? event : undefined
  } catch {
    return undefined
  }
}

export function apply(
  client: QueryClient,
  event: LiveEvent,
  invalidate: (...queryKeys: QueryKey[]) => void,
): void {
  switch (event.type) {
    case 'connector':
      patchConnector(client, event)
      invalidate(keys.overview, keys.pile(event.pileId))
      return
    case 'meter':
      if (event.orderId !== null) appendReading(client, event.orderId, event)
      return
    case 'order':
      invalidate(keys.orders(), keys.order(event.orderId), keys.overview, ['totals'], keys.pile(event.pileId))
      if (event.state === 'disputed' || event.state === 'resolved') invalidate(keys.disputes())
      return
    case 'pile':
      invalidate(keys.piles(), keys.pile(event.pileId), keys.overview)
      return
    case 'dispute':
      invalidate(keys.disputes(), keys.dispute(event.orderId), keys.order(event.orderId))
      return
    case 'charger':
      invalidate(keys.chargers, keys.pile(event.pileId))
      return
  }
}

type ConnectorEvent = Extract<LiveEvent, { type: 'connector' }>

/** Writes a connector's new state into every cached pile row: the tables, the map and the detail change at once. */
function patchConnector(client: QueryClient, event: ConnectorEvent): void {
  const patch = (pile: Pile): Pile => {
    if (pile.id !== event.pileId) return pile
    const known = pile.connectors.some((connector) => connector.connector === event.connector)
    const updated: Connector = {
      ...(pile.connectors.find((connector) => connector.connector === event.connector) ?? {
        pileId: event.pileId,
        connector: event.connector,
        errorCode: null,
        meterWh: null,
        meterAt: null,
      }),
      status: event.status,
      statusAt: event.at,
      orderId: event.orderId,
    }
    const connectors = known
      ? pile.connectors.map((connector) => (connector.connector === event.connector ? updated : connector))
      : [...pile.connectors, updated].sort((a, b) => a.connector - b.connector)
    return { ...pile, connectors }
  }
  client.setQueriesData<Page<Pile> | Pile[]>({ queryKey: keys.piles() }, (data) => {
    if (!data) return data
    return Array.isArray(data) ? data.map(patch) : { ...data, items: data.items.map(patch) }
  })
  client.setQueryData<Pile>(keys.pile(event.pileId), (pile) => (pile ? patch(pile) : pile))
}

type MeterEvent = Extract<LiveEvent, { type: 'meter' }>

/** Appends a reading to the order's cached curve, if anyone is looking at it. */
function appendReading(client: QueryClient, orderId: number, event: MeterEvent): void {
  client.setQueryData<MeterValue[]>(keys.meter(orderId), (readings) =>
    readings
      ? [
          ...readings,
          {
            id: -readings.length - 1,
            pileId: event.pileId,
            connector: event.connector,
            orderId,
            measuredAt: event.at,
            receivedAt: event.at,
            energyWh: event.energyWh,
            powerW: event.powerW,
            voltageV: null,
            currentA: null,
            flag: null,
          },
        ]
      : readings,
  )
}
