import { FrameDecoder } from './decoder.js'
import {
  AckTimeoutError,
  ExpectTimeoutError,
  type FrameDecodeError,
  LinkOptionError,
  type MessageFieldError,
  PeerReportedError,
  SessionClosedError,
  UnexpectedMessageError,
  type UnknownMessageTypeError,
} from './errors.js'
import { encodeFrame, type Frame } from './frame.js'
import { decodeMessage, encodeMessage } from './messages/codecs.js'
import {
  type ApplicationMessage,
  type ApplicationMessageType,
  type MessageOf,
  MessageTypeId,
} from './messages/types.js'
import type { LinkTransport } from './transports/createTransport.js'

export type SessionOptions = {
  transport: LinkTransport
  /** First wait for an acknowledgement before retransmitting; the frame's wire time is added on slow lines. */
  ackTimeoutMs?: number
  /** Each retransmission waits this many times longer than the one before. */
  backoff?: number
  maxAckTimeoutMs?: number
  /** Transmissions of one frame, the first included, before the send fails with AckTimeoutError. */
  maxAttempts?: number
  /** A partial frame that stays incomplete this long is dropped, so a cut-off frame cannot stall the decoder. */
  frameGapMs?: number
  maxPayload?: number
  /** Problems the session recovered from by itself: line noise, retransmissions, duplicates, malformed messages. */
  onDiagnostic?: (event: SessionDiagnostic) => void
}

export type SessionDiagnostic =
  | { type: 'frameError'; error: FrameDecodeError }
  | { type: 'retransmit'; messageType: string; seq: number; attempt: number }
  | { type: 'duplicate'; seq: number }
  | { type: 'malformed'; error: MessageFieldError | UnknownMessageTypeError }

export type SessionStats = {
  readonly framesSent: number
  readonly retransmissions: number
  readonly duplicatesDropped: number
  readonly frameErrors: number
}

export type WaitOptions = {
  /** Default 10 000 ms; `Infinity` waits until a message comes or the session closes. */
  timeoutMs?: number
}

export type LinkSession = {
  readonly closed: boolean
  readonly stats: SessionStats
  /**
   * Sends one message and resolves once the peer acknowledged it. Messages go out one at a time, in call order.
   * Rejects with AckTimeoutError (retryable) after the last attempt, SessionClosedError, or MessageFieldError for an
   * invalid message.
   */
  send(message: ApplicationMessage): Promise<void>
  /**
   * The next message, which must be of one of the given types. Rejects with UnexpectedMessageError for another type,
   * PeerReportedError when the peer sent Error instead, the decoding error of a malformed message, ExpectTimeoutError
   * or SessionClosedError.
   */
  expect<T extends ApplicationMessageType>(
    type: T | readonly T[],
    options?: WaitOptions,
  ): Promise<MessageOf<T>>
  /** The next message of any type (Error included), or the decoding error of a malformed one. */
  next(options?: WaitOptions): Promise<ApplicationMessage>
  /** Every message until the session closes. */
  messages(): AsyncGenerator<ApplicationMessage, void, undefined>
  /** Sends an owed acknowledgement, rejects everything pending with SessionClosedError and closes the transport. */
  close(): Promise<void>
}

type Inbound = { message: ApplicationMessage } | { error: Error }
type Waiter = { resolve(item: Inbound): void; reject(error: Error): void; timer: NodeJS.Timeout | undefined }
type Outbound = {
  type: string
  typeId: number
  payload: Uint8Array
  seq: number
  attempt: number
  firstSentAt: number
  timer: NodeJS.Timeout | undefined
  resolve(): void
  reject(error: Error): void
}

const DEFAULT_WAIT_MS = 10_000
/** Margin for the peer's own frame that may be on the line ahead of its acknowledgement. */
const PEER_FRAME_ALLOWANCE = 64

/**
 * A reliable, ordered message session over any byte stream. Stop-and-wait: each data frame carries a sequence number
 * (1…255, wrapping) and the sequence number last received from the peer, so an answer acknowledges the request for
 * free. When nothing is ready to carry it, a 9-byte Ack frame follows on the next turn of the event loop — never on a
 * timer, so acknowledgements add bytes but no waiting.
 */
export function createSession(options: SessionOptions): LinkSession {
  const { transport } = options
  const ackTimeoutMs = positive('ackTimeoutMs', options.ackTimeoutMs ?? 500)
  const backoff = positive('backoff', options.backoff ?? 2)
  const maxAckTimeoutMs = positive('maxAckTimeoutMs', options.maxAckTimeoutMs ?? 8_000)
  const maxAttempts = positive('maxAttempts', options.maxAttempts ?? 5)
  const frameGapMs = positive('frameGapMs', options.frameGapMs ?? 250)
  const diagnose = options.onDiagnostic ?? (() => {})
  const decoder = new FrameDecoder(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload })
  const stats = { framesSent: 0, retransmissions: 0, duplicatesDropped: 0, frameErrors: 0 }

  const inbox: Inbound[] = []
  const waiters: Waiter[] = []
  const outbox: Outbound[] = []
  let inFlight: Outbound | undefined
  let nextSeq = 1
  let lastReceivedSeq = 0
  let ackOwed = false
  let ackImmediate: NodeJS.Immediate | undefined
  let gapTimer: NodeJS.Timeout | undefined
  let closed = false
  let closing: Promise<void> | undefined

  const write = (bytes: Uint8Array) => {
    if (transport.closed) return
    transport.write(bytes)
    stats.framesSent++
  }

  const flushAck = () => {
    ackImmediate = undefined
    if (!ackOwed || transport.closed) return
    ackOwed = false
    write(
      encodeFrame({ typeId: MessageTypeId.Ack, seq: 0, ack: lastReceivedSeq, payload: new Uint8Array(0) }),
    )
  }

  const oweAck = () => {
    ackOwed = true
    ackImmediate ??= setImmediate(flushAck)
  }

  const wireMs = (bytes: number) =>
    transport.bytesPerSecond ? ((2 * bytes + PEER_FRAME_ALLOWANCE) * 1000) / transport.bytesPerSecond : 0

  const transmit = (outbound: Outbound) => {
    outbound.attempt++
    ackOwed = false
    const frame = encodeFrame({
      typeId: outbound.typeId,
      seq: outbound.seq,
      ack: lastReceivedSeq,
      payload: outbound.payload,
    })
    write(frame)
    const wait =
      Math.min(maxAckTimeoutMs, ackTimeoutMs * backoff ** (outbound.attempt - 1)) + wireMs(frame.length)
    outbound.timer = setTimeout(() => onAckTimeout(outbound), wait)
  }

  const onAckTimeout = (outbound: Outbound) => {
    if (outbound.attempt >= maxAttempts) {
      inFlight = undefined
      outbound.reject(
        new AckTimeoutError(
          outbound.type,
          outbound.attempt,
          Math.round(performance.now() - outbound.firstSentAt),
        ),
      )
      sendNext()
      return
    }
    stats.retransmissions++
    diagnose({
      type: 'retransmit',
      messageType: outbound.type,
      seq: outbound.seq,
      attempt: outbound.attempt + 1,
    })
    transmit(outbound)
  }

  const sendNext = () => {
    if (inFlight || closed) return
    const outbound = outbox.shift()
    if (!outbound) return
    inFlight = outbound
    outbound.seq = nextSeq
    nextSeq = nextSeq === 255 ? 1 : nextSeq + 1
    outbound.firstSentAt = performance.now()
    transmit(outbound)
  }

  const deliver = (item: Inbound) => {
    const waiter = waiters.shift()
    if (!waiter) {
      inbox.push(item)
      return
    }
    clearTimeout(waiter.timer)
    waiter.resolve(item)
  }

  const onFrame = (frame: Frame) => {
    if (inFlight && frame.ack === inFlight.seq) {
      const acknowledged = inFlight
      clearTimeout(acknowledged.timer)
      inFlight = undefined
      acknowledged.resolve()
      sendNext()
    }
    if (frame.typeId === MessageTypeId.Ack || frame.seq === 0) return
    if (frame.seq === lastReceivedSeq) {
      // Our acknowledgement was lost and the peer sent again: acknowledge, do not deliver twice.
      stats.duplicatesDropped++
      diagnose({ type: 'duplicate', seq: frame.seq })
      oweAck()
      return
    }
    lastReceivedSeq = frame.seq
    oweAck()
    try {
      deliver({ message: decodeMessage(frame.typeId, frame.payload) as ApplicationMessage })
    } catch (error) {
      // The frame arrived intact, so resending it would not help: acknowledge it and hand the error to the reader.
      diagnose({ type: 'malformed', error: error as MessageFieldError })
      deliver({ error: error as Error })
    }
  }

  const onData = (bytes: Uint8Array) => {
    handle(decoder.push(bytes))
    clearTimeout(gapTimer)
    gapTimer = decoder.buffered > 0 ? setTimeout(() => handle(decoder.flush()), frameGapMs) : undefined
  }

  const handle = (events: ReturnType<FrameDecoder['push']>) => {
    for (const event of events) {
      if (closed) return
      if (event.type === 'frame') onFrame(event.frame)
      else {
        stats.frameErrors++
        diagnose({ type: 'frameError', error: event.error })
      }
    }
  }

  const unsubscribeData = transport.onData(onData)
  const unsubscribeClose = transport.onClose((cause) => {
    void shutdown(cause === undefined ? {} : { cause })
  })

  const take = (timeoutMs: number, expected: readonly string[]): Promise<Inbound> => {
    const ready = inbox.shift()
    if (ready) return Promise.resolve(ready)
    if (closed) return Promise.reject(new SessionClosedError())
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined }
      if (Number.isFinite(timeoutMs))
        waiter.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1)
          reject(new ExpectTimeoutError(expected, timeoutMs))
        }, timeoutMs)
      waiters.push(waiter)
    })
  }

  const shutdown = (closedBy: { cause?: unknown } = {}): Promise<void> => {
    closing ??= (async () => {
      // Let the peer's last send complete before we go.
      clearImmediate(ackImmediate)
      flushAck()
      closed = true
      clearTimeout(gapTimer)
      const error = () => new SessionClosedError(closedBy)
      if (inFlight) {
        clearTimeout(inFlight.timer)
        inFlight.reject(error())
        inFlight = undefined
      }
      for (const outbound of outbox.splice(0)) outbound.reject(error())
      for (const waiter of waiters.splice(0)) {
        clearTimeout(waiter.timer)
        waiter.reject(error())
      }
      unsubscribeData()
      unsubscribeClose()
      await transport.close()
    })()
    return closing
  }

  const next = async (waitOptions: WaitOptions = {}): Promise<ApplicationMessage> => {
    const item = await take(waitOptions.timeoutMs ?? DEFAULT_WAIT_MS, ['message'])
    if ('error' in item) throw item.error
    return item.message
  }

  return {
    get closed() {
      return closed
    },
    stats,
    send(message) {
      if (closed) return Promise.reject(new SessionClosedError())
      if ((message as { type?: unknown })?.type === 'Ack')
        return Promise.reject(
          new LinkOptionError('message.type', 'cannot be Ack: the session acknowledges by itself'),
        )
      let encoded: { typeId: number; payload: Uint8Array }
      try {
        encoded = encodeMessage(message)
      } catch (error) {
        return Promise.reject(error)
      }
      return new Promise<void>((resolve, reject) => {
        outbox.push({
          type: message.type,
          ...encoded,
          seq: 0,
          attempt: 0,
          firstSentAt: 0,
          timer: undefined,
          resolve,
          reject,
        })
        sendNext()
      })
    },
    async expect(type, waitOptions = {}) {
      const expected: readonly string[] = typeof type === 'string' ? [type] : type
      const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_WAIT_MS
      const item = await take(timeoutMs, expected)
      if ('error' in item) throw item.error
      const { message } = item
      if (expected.includes(message.type)) return message as never
      if (message.type === 'Error') throw new PeerReportedError(message.code, message.text)
      throw new UnexpectedMessageError(expected, message.type)
    },
    next,
    async *messages() {
      for (;;) {
        try {
          yield await next({ timeoutMs: Number.POSITIVE_INFINITY })
        } catch (error) {
          if (error instanceof SessionClosedError) return
          throw error
        }
      }
    },
    close: () => shutdown(),
  }
}

function positive(option: string, value: number): number {
  if (!(value > 0)) throw new LinkOptionError(option, `must be a positive number, got ${value}`)
  return value
}
