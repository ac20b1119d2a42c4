import { randomUUID } from 'node:crypto'
import { type Database, type Db, notify } from '@chargechain/db'
import type { OcppLogger } from '../logger.js'

/**
 * What server instances tell each other through PostgreSQL (`notify` + `database.listen`; on PGlite, within the
 * process): a command for a charger another instance holds, its acknowledgement and answer, and that a charger
 * connected (so an older connection of it elsewhere is closed). No other broker.
 */
export const busChannel = 'chargechain_ocpp'

/** The answer to a command, as it travels between instances. */
export type Outcome =
  | { ok: true; result: unknown }
  | { ok: false; error: 'rejected' | 'timeout' | 'offline' | 'invalid'; status?: string; message: string }

type BusMessage =
  | {
      t: 'req'
      id: string
      from: string
      charger: string
      action: string
      payload: unknown
      timeoutMs: number
    }
  | { t: 'ack'; id: string; to: string }
  /** One part of the outcome's JSON in base64: a notification holds < 8 kB, GetConfiguration's answer may not. */
  | { t: 'res'; id: string; to: string; part: number; parts: number; data: string }
  | { t: 'conn'; charger: string; from: string; at: number }

const partChars = 6000

export interface BusHandlers {
  /** Whether this instance holds the charger; if so the bus acknowledges and `execute` answers. */
  holds(chargerId: string): boolean
  execute(chargerId: string, action: string, payload: unknown, timeoutMs: number): Promise<Outcome>
  /** A charger connected on another instance at `at` (epoch ms). */
  connectedElsewhere(chargerId: string, at: number): void
}

interface Pending {
  acked: boolean
  parts: string[]
  received: number
  settle(outcome: Outcome | 'noAck' | 'noAnswer'): void
}

export interface Bus {
  /** Asks the instance holding `chargerId`: `noAck` when none answered within `ackMs`, `noAnswer` after `waitMs`. */
  request(
    chargerId: string,
    action: string,
    payload: unknown,
    timeoutMs: number,
    ackMs: number,
  ): Promise<Outcome | 'noAck' | 'noAnswer'>
  /** Tells the others, when `db`'s transaction commits, that `chargerId` connected here at `at`. */
  announceConnection(db: Db, chargerId: string, at: number): Promise<void>
  close(): Promise<void>
}

export async function createBus(
  database: Database,
  instanceId: string,
  handlers: BusHandlers,
  logger: OcppLogger,
): Promise<Bus> {
  const pending = new Map<string, Pending>()
  const send = (message: BusMessage) => notify(database.db, busChannel, message)

  async function serve(request: Extract<BusMessage, { t: 'req' }>): Promise<void> {
    await send({ t: 'ack', id: request.id, to: request.from })
    const outcome = await handlers.execute(
      request.charger,
      request.action,
      request.payload,
      request.timeoutMs,
    )
    const text = Buffer.from(JSON.stringify(outcome)).toString('base64')
    const parts = Math.max(1, Math.ceil(text.length / partChars))
    for (let part = 0; part < parts; part++) {
      const data = text.slice(part * partChars, (part + 1) * partChars)
      await send({ t: 'res', id: request.id, to: request.from, part, parts, data })
    }
  }

  function receive(message: BusMessage): void {
    if (message.t === 'req') {
      if (message.from === instanceId || !handlers.holds(message.charger)) return
      serve(message).catch((error: unknown) =>
        logger.error({ error, id: message.id }, 'answering a command failed'),
      )
    } else if (message.t === 'conn') {
      if (message.from !== instanceId) handlers.connectedElsewhere(message.charger, message.at)
    } else if (message.to === instanceId) {
      const waiting = pending.get(message.id)
      if (!waiting) return
      waiting.acked = true
      if (message.t !== 'res') return
      waiting.parts[message.part] = message.data
      if (++waiting.received < message.parts) return
      const outcome: Outcome = JSON.parse(Buffer.from(waiting.parts.join(''), 'base64').toString('utf8'))
      waiting.settle(outcome)
    }
  }

  const unlisten = await database.listen(busChannel, {
    onMessage(payload) {
      try {
        receive(JSON.parse(payload))
      } catch (error) {
        logger.warn({ error }, 'an unreadable message on the OCPP bus')
      }
    },
    onGap() {
      logger.warn({}, 'the OCPP bus reconnected; commands under way may time out')
    },
  })

  return {
    request(chargerId, action, payload, timeoutMs, ackMs) {
      const id = randomUUID()
      return new Promise((resolve) => {
        const timers: NodeJS.Timeout[] = []
        const entry: Pending = {
          acked: false,
          parts: [],
          received: 0,
          settle(outcome) {
            for (const timer of timers) clearTimeout(timer)
            pending.delete(id)
            resolve(outcome)
          },
        }
        pending.set(id, entry)
        timers.push(
          setTimeout(() => entry.acked || entry.settle('noAck'), ackMs),
          // The holder times the charger out after timeoutMs and says so; this is for a holder that went away.
          setTimeout(() => entry.settle('noAnswer'), timeoutMs + ackMs),
        )
        send({ t: 'req', id, from: instanceId, charger: chargerId, action, payload, timeoutMs }).catch(
          (error: unknown) => {
            logger.error({ error }, 'sending a command to the other instances failed')
            entry.settle('noAck')
          },
        )
      })
    },
    announceConnection(db, chargerId, at) {
      return notify(db, busChannel, {
        t: 'conn',
        charger: chargerId,
        from: instanceId,
        at,
      } satisfies BusMessage)
    },
    async close() {
      await unlisten()
      for (const entry of pending.values()) entry.settle('noAnswer')
    },
  }
}
