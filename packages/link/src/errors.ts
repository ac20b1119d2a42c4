import { BaseError, walk } from '@chargechain/errors'

/**
 * Every error of the link package. Two questions callers ask, answered by class rather than by name:
 * - `isLinkDrop`: the connection itself went away (the peer's agent restarted, the radio dropped); reconnecting may
 *   bring the same peer back.
 * - `isPeerFailure`: the peer hung up, went quiet, said no or fell out of step; the conversation ends, the agent
 *   carries on. The rest are our own mistakes (an invalid message or option) or line noise the session handled.
 */
export abstract class LinkError extends BaseError {
  readonly isLinkDrop: boolean = false
  readonly isPeerFailure: boolean = false
}

/** Whether `error` (or one of its causes) is a link error that means the connection went away. */
export function isLinkDrop(error: unknown): boolean {
  return walk(error, (cause) => cause instanceof LinkError && cause.isLinkDrop) !== undefined
}

/** Whether `error` (or one of its causes) is the peer failing: hung up, silent, refusing or out of step. */
export function isLinkFailure(error: unknown): boolean {
  return walk(error, (cause) => cause instanceof LinkError && cause.isPeerFailure) !== undefined
}

// Frame level: the decoder reports these as events and keeps going; they are never thrown.

export class FrameGarbageError extends LinkError {
  override readonly name = 'FrameGarbageError'
  readonly skipped: number
  constructor(skipped: number) {
    super(`Skipped ${skipped} byte(s) that do not start a frame; the line is noisy or a frame was cut.`)
    this.skipped = skipped
  }
}

export class FrameVersionError extends LinkError {
  override readonly name = 'FrameVersionError'
  readonly version: number
  constructor(version: number, supported: number) {
    super(`Frame has protocol version ${version}, this side speaks ${supported}; update the older agent.`)
    this.version = version
  }
}

export class FrameOversizeError extends LinkError {
  override readonly name = 'FrameOversizeError'
  readonly length: number
  constructor(length: number, max: number) {
    super(`Frame announces a ${length}-byte payload, more than the ${max}-byte limit; treating it as noise.`)
    this.length = length
  }
}

export class FrameCrcError extends LinkError {
  override readonly name = 'FrameCrcError'
  readonly expected: number
  readonly actual: number
  constructor(expected: number, actual: number) {
    super(
      `Frame CRC is 0x${actual.toString(16).padStart(4, '0')}, expected 0x${expected.toString(16).padStart(4, '0')}; the frame was corrupted on the line.`,
    )
    this.expected = expected
    this.actual = actual
  }
}

export class FrameTruncatedError extends LinkError {
  override readonly name = 'FrameTruncatedError'
  readonly received: number
  constructor(received: number) {
    super(`The stream ended ${received} byte(s) into a frame; the rest never arrived.`)
    this.received = received
  }
}

/** Every problem the frame decoder can report. */
export type FrameDecodeError =
  | FrameGarbageError
  | FrameVersionError
  | FrameOversizeError
  | FrameCrcError
  | FrameTruncatedError

export class FrameEncodeError extends LinkError {
  override readonly name = 'FrameEncodeError'
  constructor(problem: string) {
    super(`Cannot encode frame: ${problem}.`)
  }
}

// Message level: encoders throw these on bad input, decoders on bad payloads.

export class MessageFieldError extends LinkError {
  override readonly name = 'MessageFieldError'
  readonly messageType: string
  readonly field: string
  constructor(messageType: string, field: string, problem: string) {
    super(`${messageType}.${field} ${problem}.`)
    this.messageType = messageType
    this.field = field
  }
}

export class UnknownMessageTypeError extends LinkError {
  override readonly name = 'UnknownMessageTypeError'
  readonly typeId: number | string
  constructor(typeId: number | string) {
    super(
      typeof typeId === 'number'
        ? `Message type id 0x${typeId.toString(16).padStart(2, '0')} is unknown; the peer runs a newer protocol.`
        : `Message type "${typeId}" is unknown; use one of the types in MessageTypeId.`,
    )
    this.typeId = typeId
  }
}

// Session level.

export class AckTimeoutError extends LinkError {
  override readonly name = 'AckTimeoutError'
  override readonly isPeerFailure = true
  readonly messageType: string
  constructor(messageType: string, attempts: number, waitedMs: number) {
    super(
      `${messageType} was not acknowledged after ${attempts} attempt(s) over ${waitedMs} ms; the peer is gone.`,
      {
        retryable: true,
      },
    )
    this.messageType = messageType
  }
}

export class ExpectTimeoutError extends LinkError {
  override readonly name = 'ExpectTimeoutError'
  override readonly isPeerFailure = true
  readonly expected: readonly string[]
  constructor(expected: readonly string[], timeoutMs: number) {
    super(`No ${expected.join(' or ')} arrived within ${timeoutMs} ms; the peer stopped answering.`, {
      retryable: true,
    })
    this.expected = expected
  }
}

export class UnexpectedMessageError extends LinkError {
  override readonly name = 'UnexpectedMessageError'
  override readonly isPeerFailure = true
  readonly expected: readonly string[]
  readonly received: string
  constructor(expected: readonly string[], received: string) {
    super(`Expected ${expected.join(' or ')} but the peer sent ${received}; the two agents are out of step.`)
    this.expected = expected
    this.received = received
  }
}

export class PeerReportedError extends LinkError {
  override readonly name = 'PeerReportedError'
  override readonly isPeerFailure = true
  readonly code: string
  readonly text: string
  constructor(code: string, text: string) {
    super(`The peer reported ${code}${text ? `: ${text}` : ''}.`)
    this.code = code
    this.text = text
  }
}

export class SessionClosedError extends LinkError {
  override readonly name = 'SessionClosedError'
  override readonly isPeerFailure = true
  override readonly isLinkDrop = true
  constructor(options: { cause?: unknown } = {}) {
    super('The link session is closed; open a new session to talk to the peer.', options)
  }
}

// Transport level.

export class TransportClosedError extends LinkError {
  override readonly name = 'TransportClosedError'
  override readonly isPeerFailure = true
  override readonly isLinkDrop = true
  constructor(transport: string, options: { cause?: unknown } = {}) {
    super(`The ${transport} transport is closed; reconnect before writing.`, options)
  }
}

export class TransportConnectError extends LinkError {
  override readonly name = 'TransportConnectError'
  constructor(target: string, cause: unknown) {
    super(`Could not connect to ${target}; check that the peer is listening.`, { cause, retryable: true })
  }
}

export class LinkOptionError extends LinkError {
  override readonly name = 'LinkOptionError'
  constructor(option: string, problem: string) {
    super(`Option ${option} ${problem}.`)
  }
}
