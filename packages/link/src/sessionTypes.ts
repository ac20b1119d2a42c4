import type { FrameDecodeError, MessageFieldError, UnknownMessageTypeError } from './errors.js'
import type { ApplicationMessage, ApplicationMessageType, ErrorCode, MessageOf } from './messages/types.js'
import type { LinkTransport } from './transports/createTransport.js'

/**
 * The agents' clock, structurally (a `@chargechain/hardware` Clock fits): waits for the peer are measured on it, so a
 * simulated clock running 1000× shortens them with the rest of the world.
 */
export type LinkClock = {
  setTimeout(callback: () => void, ms: number): { cancel(): void }
}

export type SessionOptions = {
  transport: LinkTransport
  /** Measures the waits for the peer's messages; real time by default. Retransmission stays on real time: the line. */
  clock?: LinkClock
  /**
   * The agent stopping: every wait and send rejects with the signal's reason at once (also when already aborted). The
   * line stays up, acknowledging what arrives, until `close()`.
   */
  signal?: AbortSignal
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
  /**
   * Messages held for a reader that is not reading (default 32). Past it the session stops acknowledging: the peer's
   * stop-and-wait holds its next message and retransmits it, so nothing is lost and the peer cannot outrun the
   * reader; a reader that stays behind for the peer's whole retransmission budget fails the peer's send with
   * AckTimeoutError.
   */
  maxInbox?: number
  /** Problems the session recovered from by itself: line noise, retransmissions, duplicates, refused frames. */
  onDiagnostic?: (event: SessionDiagnostic) => void
}

export type SessionDiagnostic =
  | { type: 'frameError'; error: FrameDecodeError }
  | { type: 'retransmit'; messageType: string; seq: number; attempt: number }
  | { type: 'duplicate'; seq: number }
  /** An intact frame that does not decode: answered with Error malformedMessage, dropped. */
  | { type: 'malformed'; error: MessageFieldError }
  /** A message type this version does not know: answered with Error unsupportedMessage, dropped. */
  | { type: 'unsupported'; error: UnknownMessageTypeError }
  /** The peer's session refused one of our frames (malformedMessage or unsupportedMessage). */
  | { type: 'refused'; code: ErrorCode; text: string }
  /** The inbox is full: the frame is left unacknowledged for the peer to send again. */
  | { type: 'inboxFull'; seq: number }

export type SessionStats = {
  readonly framesSent: number
  readonly retransmissions: number
  readonly duplicatesDropped: number
  readonly frameErrors: number
  /** Intact frames the session answered with malformedMessage or unsupportedMessage and dropped. */
  readonly framesRefused: number
  /** Frames left unacknowledged because the inbox was full. */
  readonly framesDeferred: number
}

export type WaitOptions = {
  /** On the session's clock; default 10 000 ms. `Infinity` waits until a message comes or the session closes. */
  timeoutMs?: number
  /**
   * The least real time the wait lasts, whatever the clock says. Defaults to `timeoutMs`: the peer answers in real
   * time (its CPU, its chain transactions and the line do not speed up with a simulated clock). Lower it for waits
   * that pace simulated events, such as a meter interval.
   */
  minRealMs?: number
  /** Ends this wait early: it rejects with the signal's reason; a message arriving later stays queued. */
  signal?: AbortSignal
}

export type LinkSession = {
  readonly closed: boolean
  readonly stats: SessionStats
  /**
   * Sends one message and resolves once the peer acknowledged it. Messages go out one at a time, in call order.
   * Rejects with AckTimeoutError (retryable) after the last attempt, SessionClosedError, MessageFieldError for an
   * invalid message, or the session signal's reason.
   */
  send(message: ApplicationMessage): Promise<void>
  /**
   * The next message, which must be of one of the given types. Rejects with UnexpectedMessageError for another type,
   * PeerReportedError when the peer sent Error instead, ExpectTimeoutError, SessionClosedError, or the reason of an
   * aborted signal.
   */
  expect<T extends ApplicationMessageType>(
    type: T | readonly T[],
    options?: WaitOptions,
  ): Promise<MessageOf<T>>
  /** The next message of any type (Error included). Rejects as `expect` does when none comes. */
  next(options?: WaitOptions): Promise<ApplicationMessage>
  /** Every message until the session closes. */
  messages(): AsyncGenerator<ApplicationMessage, void, undefined>
  /** Sends an owed acknowledgement, rejects everything pending with SessionClosedError and closes the transport. */
  close(): Promise<void>
}
