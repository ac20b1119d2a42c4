import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'

/**
 * A charger that speaks OCPP-J with bare `ws` frames, nothing from the server's library: the tests' second client
 * and the bench's simulated fleet. Frames are `[2, id, action, payload]`, `[3, id, payload]`, `[4, id, code, text,
 * details]`.
 */
export interface RawCharger {
  readonly socket: WebSocket
  /** Sends a CALL and resolves with the CALLRESULT payload or the CALLERROR. */
  call(action: string, payload: unknown): Promise<RawAnswer>
  /** Sends any text and resolves with the next frame the server sends, if one comes within `waitMs`. */
  sendRaw(text: string | Buffer, waitMs?: number): Promise<unknown[] | undefined>
  /** Answers the server's CALLs of `action` with what `answer` returns. */
  answer(action: string, answer: (payload: unknown) => unknown): void
  /** The server's CALLs received so far: [action, payload]. */
  readonly received: [string, unknown][]
  /** Resolves with the close code and reason once the socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>
  close(): Promise<void>
}

export type RawAnswer =
  | { ok: true; payload: unknown }
  | { ok: false; code: string; description: string; details: unknown }

export interface OpenRawChargerOptions {
  /** `ws://host:port/ocpp` or `wss://…` */
  endpoint: string
  identity: string
  password?: string
  protocols?: string[]
  ca?: string | Buffer
}

/** The HTTP status of a refused upgrade. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`)
  }
}

export function openRawCharger(options: OpenRawChargerOptions): Promise<RawCharger> {
  const headers: Record<string, string> = {}
  if (options.password !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${options.identity}:${options.password}`).toString('base64')}`
  const socket = new WebSocket(
    `${options.endpoint}/${encodeURIComponent(options.identity)}`,
    options.protocols ?? ['ocpp1.6'],
    { headers, ...(options.ca === undefined ? {} : { ca: options.ca }) },
  )
  const pending = new Map<string, (answer: RawAnswer) => void>()
  const answers = new Map<string, (payload: unknown) => unknown>()
  const received: [string, unknown][] = []
  let waiter: ((frame: unknown[]) => void) | undefined
  // Errors after the open are seen as the close that follows them.
  socket.on('error', () => {})
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )

  socket.on('message', (data) => {
    const frame: unknown = JSON.parse(data.toString())
    if (!Array.isArray(frame)) return
    const [type, id] = frame
    const settle = typeof id === 'string' ? pending.get(id) : undefined
    if (type === 2) {
      const [, , action, payload] = frame
      received.push([action, payload])
      const respond = answers.get(action)
      if (respond) socket.send(JSON.stringify([3, id, respond(payload)]))
    } else if (settle && type === 3) {
      pending.delete(id)
      settle({ ok: true, payload: frame[2] })
    } else if (settle && type === 4) {
      pending.delete(id)
      settle({ ok: false, code: frame[2], description: frame[3], details: frame[4] })
    } else if (waiter) {
      const wake = waiter
      waiter = undefined
      wake(frame)
    }
  })

  const charger: RawCharger = {
    socket,
    received,
    closed,
    call(action, payload) {
      const id = randomUUID()
      return new Promise((resolve) => {
        pending.set(id, resolve)
        socket.send(JSON.stringify([2, id, action, payload]))
      })
    },
    sendRaw(text, waitMs = 1000) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = undefined
          resolve(undefined)
        }, waitMs)
        waiter = (frame) => {
          clearTimeout(timer)
          resolve(frame)
        }
        socket.send(text)
      })
    },
    answer(action, respond) {
      answers.set(action, respond)
    },
    async close() {
      if (socket.readyState === WebSocket.OPEN) socket.close(1000)
      await closed
    },
  }

  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(charger))
    socket.once('unexpected-response', (_request, response) => {
      reject(new UpgradeRefused(response.statusCode ?? 0))
      socket.terminate()
    })
    socket.once('error', reject)
  })
}
