import {
  closeInstanceConnections,
  type Db,
  type LiveEvent,
  type OfflineCharger,
  publishLiveMany,
  reapLapsedInstances,
  refreshInstance,
  registerInstance,
  removeInstance,
} from '@chargechain/db'
import type { OcppLogger } from '../logger.js'

/** The live events of closed connections, as the operator sees a charger leave: the charger, then its connectors. */
export async function publishOffline(db: Db, closed: readonly OfflineCharger[], at: Date): Promise<void> {
  const events: LiveEvent[] = []
  for (const { chargerId, pileId, connectors } of closed) {
    events.push({ type: 'charger', chargerId, pileId, connected: false })
    for (const row of connectors)
      events.push({
        type: 'connector',
        pileId,
        connector: row.connector,
        status: 'offline',
        orderId: row.orderId,
        at: at.toISOString(),
      })
  }
  await publishLiveMany(db, events)
}

export interface InstanceLivenessOptions {
  db: Db
  instanceId: string
  refreshMs: number
  lapseMs: number
  logger: OcppLogger
  /** The others took this instance for gone and closed its connections' records: the connections must go too. */
  onPresumedGone(): void
}

export interface InstanceLiveness {
  /** Stops refreshing; removes the row (after the instance recorded its closes). */
  close(): Promise<void>
}

/**
 * Keeps this instance's ocpp_instances row fresh (one UPDATE each `refreshMs`, nothing per message) and, at start
 * and on each refresh, closes the connections of instances whose row lapsed. At start it also closes what an
 * earlier run under the same name left open.
 */
export async function startInstanceLiveness(options: InstanceLivenessOptions): Promise<InstanceLiveness> {
  const { db, instanceId, refreshMs, lapseMs, logger } = options

  await db.transaction(async (tx) => {
    const at = new Date()
    await registerInstance(tx, instanceId)
    await publishOffline(tx, await closeInstanceConnections(tx, [instanceId], at), at)
  })
  await reap()

  async function reap(): Promise<void> {
    const at = new Date()
    await db.transaction(async (tx) => {
      const reaped = await reapLapsedInstances(tx, { self: instanceId, lapseMs, at })
      if (reaped.instances.length === 0) return
      await publishOffline(tx, reaped.chargers, at)
      logger.warn(
        { instances: reaped.instances, chargers: reaped.chargers.map((row) => row.chargerId) },
        'server instances stopped refreshing; their chargers are offline',
      )
    })
  }

  async function tick(): Promise<void> {
    if (!(await refreshInstance(db, instanceId))) {
      logger.warn({ instanceId }, 'other instances took this one for gone; its chargers must reconnect')
      await registerInstance(db, instanceId)
      options.onPresumedGone()
    }
    await reap()
  }

  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const schedule = () => {
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => logger.error({ error }, 'refreshing the server instance failed'))
        .finally(() => {
          if (!stopped) schedule()
        })
    }, refreshMs)
  }
  schedule()

  return {
    async close() {
      stopped = true
      clearTimeout(timer)
      await running
      const at = new Date()
      await db.transaction(async (tx) => publishOffline(tx, await removeInstance(tx, instanceId, at), at))
    },
  }
}
