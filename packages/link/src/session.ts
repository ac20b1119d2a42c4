import { FrameDecoder } from './decoder.js'
import {
  AckTimeoutError,
  ExpectTimeoutError,
  LinkOptionError,
  MessageFieldError,
  PeerReportedError,
  SessionClosedError,
  UnexpectedMessageError,
  UnknownMessageTypeError,
} from './errors.js'
import { encodeFrame, type Frame } from './frame.js'
import { decodeMessage, encodeMessage } from './messages/codecs.js'
import {
  type ApplicationMessage,
  ERROR_TEXT_MAX_BYTES,
  type ErrorCode,
  MessageTypeId,
} from './messages/types.js'
import type { LinkClock, LinkSession, SessionOptions, WaitOptions } from './sessionTypes.js'

type Waiter = { resolve(message: ApplicationMessage): void; reject(error: unknown): void; end(): void }
type Outbound = {
  type: string
  typeId: number
  payload: Uint8Array
  seq: number
  attempt: number
  firstSentAt: number
  timer: NodeJS.Timeout | undefined
  resolve(): void
  reject(error: unknown): void
}

const DEFAULT_WAIT_MS = 10_000
const DEFAULT_MAX_INBOX = 32
/** Margin for the peer's own frame that may be on the line ahead of its acknowledgement. */
const PEER_FRAME_ALLOWANCE = 64
/** Codes with which one session tells the other it dropped a frame; never the application's business. */
const REFUSALS: readonly ErrorCode[] = ['malformedMessage', 'unsupportedMessage']

const realClock: LinkClock = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms)
    return { cancel: () => clearTimeout(handle) }
  },
}

/**
 * A reliable, ordered message session over any byte stream. Stop-and-wait: each data frame carries a sequence number
 * (1…255, wrapping) and the sequence number last received from the peer, so an answer acknowledges the request for
 * free. When nothing is ready to carry it, a 9-byte Ack frame follows on the next turn of the event loop — never on a
 * timer, so acknowledgements add bytes but no waiting. An intact frame the session cannot use (unknown type, bad
 * payload) is acknowledged, answered with an Error and dropped: the conversation goes on.
 */
export function createSession(options: SessionOptions): LinkSession {
  const { transport, signal } = options
  const clock = options.clock ?? realClock
  const ackTimeoutMs = positive('ackTimeoutMs', options.ackTimeoutMs ?? 500)
  const backoff = positive('backoff', options.backoff ?? 2)
  const maxAckTimeoutMs = positive('maxAckTimeoutMs', options.maxAckTimeoutMs ?? 8_000)
  const maxAttempts = positive('maxAttempts', options.maxAttempts ?? 5)
  const frameGapMs = positive('frameGapMs', options.frameGapMs ?? 250)
  const maxInbox = positive('maxInbox', options.maxInbox ?? DEFAULT_MAX_INBOX)
  const diagnose = options.onDiagnostic ?? (() => {})
  const decoder = new FrameDecoder(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload })
  const stats = {
    framesSent: 0,
    retransmissions: 0,
    duplicatesDropped: 0,
    frameErrors: 0,
    framesRefused: 0,
    framesDeferred: 0,
  }

  const inbox: ApplicationMessage[] = []
  const waiters: Waiter[] = []
  const outbox: Outbound[] = []
  let inFlight: Outbound | undefined
  let nextSeq = 1
  let lastReceivedSeq = 0
  let ackOwed = false
  let ackImmediate: NodeJS.Immediate | undefined
  let gapTimer: NodeJS.Timeout | undefined
  let refusalPending = false
  let closed = false
  let closing: Promise<void> | undefined
  let closedBy: { cause?: unknown } = {}

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

  const enqueue = (message: ApplicationMessage): Promise<void> => {
    if (closed || signal?.aborted) return Promise.reject(closedError())
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
  }

  /**
   * Tells the peer its frame was dropped. One refusal at a time: while one is queued or unacknowledged, further bad
   * frames are dropped without an answer, so a peer sending garbage cannot grow our queue.
   */
  const refuse = (code: ErrorCode, text: string) => {
    stats.framesRefused++
    if (refusalPending) return
    refusalPending = true
    void enqueue({ type: 'Error', code, text: text.slice(0, ERROR_TEXT_MAX_BYTES) })
      .catch(() => {})
      .finally(() => {
        refusalPending = false
      })
  }

  const deliver = (message: ApplicationMessage) => {
    const waiter = waiters.shift()
    if (!waiter) {
      inbox.push(message)
      return
    }
    waiter.end()
    waiter.resolve(message)
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
    if (inbox.length >= maxInbox) {
      // Not acknowledged, so the peer holds it and sends it again once the reader has caught up.
      stats.framesDeferred++
      diagnose({ type: 'inboxFull', seq: frame.seq })
      return
    }
    lastReceivedSeq = frame.seq
    oweAck()
    let message: ApplicationMessage
    try {
      message = decodeMessage(frame.typeId, frame.payload) as ApplicationMessage
    } catch (error) {
      // The frame arrived intact, so resending it would not help: acknowledge it, say why, and go on.
      if (error instanceof UnknownMessageTypeError) {
        diagnose({ type: 'unsupported', error })
        refuse('unsupportedMessage', `type 0x${frame.typeId.toString(16).padStart(2, '0')}`)
      } else if (error instanceof MessageFieldError) {
        diagnose({ type: 'malformed', error })
        refuse('malformedMessage', `${error.messageType}.${error.field}`)
      } else throw error
      return
    }
    if (message.type === 'Error' && REFUSALS.includes(message.code)) {
      diagnose({ type: 'refused', code: message.code, text: message.text })
      return
    }
    deliver(message)
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

  const closedError = () =>
    signal?.aborted ? signal.reason : new SessionClosedError(closedBy.cause === undefined ? {} : closedBy)

  /**
   * The next message. A timed wait ends once `timeoutMs` passed on the clock and `minRealMs` in real time; the wait's
   * own signal and the session's end it at once. Whatever ends a wait, a message arriving later stays in the inbox.
   */
  const take = (waitOptions: WaitOptions, expected: readonly string[]): Promise<ApplicationMessage> => {
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (waitOptions.signal?.aborted) return Promise.reject(waitOptions.signal.reason)
    // Taking one makes room: a frame the peer is holding back is accepted on its next retransmission.
    const ready = inbox.shift()
    if (ready) return Promise.resolve(ready)
    if (closed) return Promise.reject(closedError())
    const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_WAIT_MS
    const minRealMs = waitOptions.minRealMs ?? timeoutMs
    return new Promise((resolve, reject) => {
      const cleanups: Array<() => void> = []
      const waiter: Waiter = {
        resolve,
        reject,
        end: () => {
          for (const cleanup of cleanups) cleanup()
        },
      }
      const fail = (error: unknown) => {
        const index = waiters.indexOf(waiter)
        if (index !== -1) waiters.splice(index, 1)
        waiter.end()
        reject(error)
      }
      if (Number.isFinite(timeoutMs)) {
        let left = 2
        const elapsed = () => {
          if (--left === 0) fail(new ExpectTimeoutError(expected, timeoutMs))
        }
        const onClock = clock.setTimeout(elapsed, Math.max(0, timeoutMs))
        const onReal = setTimeout(elapsed, Math.max(0, minRealMs))
        cleanups.push(
          () => onClock.cancel(),
          () => clearTimeout(onReal),
        )
      }
      const own = waitOptions.signal
      if (own) {
        const onAbort = () => fail(own.reason)
        own.addEventListener('abort', onAbort, { once: true })
        cleanups.push(() => own.removeEventListener('abort', onAbort))
      }
      waiters.push(waiter)
    })
  }

  const shutdown = (by: { cause?: unknown } = {}): Promise<void> => {
    closing ??= (async () => {
      closedBy = by
      // Let the peer's last send complete before we go.
      clearImmediate(ackImmediate)
      flushAck()
      closed = true
      clearTimeout(gapTimer)
      if (inFlight) {
        clearTimeout(inFlight.timer)
        inFlight.reject(closedError())
        inFlight = undefined
      }
      for (const outbound of outbox.splice(0)) outbound.reject(closedError())
      for (const waiter of waiters.splice(0)) {
        waiter.end()
        waiter.reject(closedError())
      }
      unsubscribeData()
      unsubscribeClose()
      signal?.removeEventListener('abort', onAbort)
      await transport.close()
    })()
    return closing
  }

  /**
   * The agent is stopping: everything it waits for ends now, with the signal's reason. The line itself stays up until
   * the owner closes it, still acknowledging what arrives, so the peer's last message is not lost on the way out.
   */
  const onAbort = () => {
    const reason = signal?.reason
    if (inFlight) {
      clearTimeout(inFlight.timer)
      inFlight.reject(reason)
      inFlight = undefined
    }
    for (const outbound of outbox.splice(0)) outbound.reject(reason)
    for (const waiter of waiters.splice(0)) {
      waiter.end()
      waiter.reject(reason)
    }
  }
  const unsubscribeData = transport.onData(onData)
  // A transport that closed before the session was created calls this listener at once, inside onClose: shutdown must
  // then find a function here, not a binding still being initialised.
  let unsubscribeClose = () => {}
  unsubscribeClose = transport.onClose((cause) => {
    void shutdown(cause === undefined ? {} : { cause })
  })
  if (signal?.aborted) onAbort()
  else signal?.addEventListener('abort', onAbort, { once: true })

  const next = (waitOptions: WaitOptions = {}): Promise<ApplicationMessage> => take(waitOptions, ['message'])

  return {
    get closed() {
      return closed
    },
    stats,
    send(message) {
      if ((message as { type?: unknown })?.type === 'Ack')
        return Promise.reject(
          new LinkOptionError('message.type', 'cannot be Ack: the session acknowledges by itself'),
        )
      return enqueue(message)
    },
    async expect(type, waitOptions = {}) {
      const expected: readonly string[] = typeof type === 'string' ? [type] : type
      const message = await take(waitOptions, expected)
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
