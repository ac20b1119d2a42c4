import { BaseError } from '@chargechain/errors'

// Frame level: the decoder reports these as events and keeps going; they are never thrown.

export class FrameGarbageError extends BaseError {
  override readonly name = 'FrameGarbageError'
  readonly skipped: number
  constructor(skipped: number) {
    super(`Skipped ${skipped} byte(s) that do not start a frame; the line is noisy or a frame was cut.`)
    this.skipped = skipped
  }
}

export class FrameVersionError extends BaseError {
  override readonly name = 'FrameVersionError'
  readonly version: number
  constructor(version: number, supported: number) {
    super(`Frame has protocol version ${version}, this side speaks ${supported}; update the older agent.`)
    this.version = version
  }
}

export class FrameOversizeError extends BaseError {
  override readonly name = 'FrameOversizeError'
  readonly length: number
  constructor(length: number, max: number) {
    super(`Frame announces a ${length}-byte payload, more than the ${max}-byte limit; treating it as noise.`)
    this.length = length
  }
}

export class FrameCrcError extends BaseError {
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

export class FrameTruncatedError extends BaseError {
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

export class FrameEncodeError extends BaseError {
  override readonly name = 'FrameEncodeError'
  constructor(problem: string) {
    super(`Cannot encode frame: ${problem}.`)
  }
}

// Message level: encoders throw these on bad input, decoders on bad payloads.

export class MessageFieldError extends BaseError {
  override readonly name = 'MessageFieldError'
  readonly messageType: string
  readonly field: string
  constructor(messageType: string, field: string, problem: string) {
    super(`${messageType}.${field} ${problem}.`)
    this.messageType = messageType
    this.field = field
  }
}

export class UnknownMessageTypeError extends BaseError {
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

export class AckTimeoutError extends BaseError {
  override readonly name = 'AckTimeoutError'
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

export class ExpectTimeoutError extends BaseError {
  override readonly name = 'ExpectTimeoutError'
  readonly expected: readonly string[]
  constructor(expected: readonly string[], timeoutMs: number) {
    super(`No ${expected.join(' or ')} arrived within ${timeoutMs} ms; the peer stopped answering.`, {
      retryable: true,
    })
    this.expected = expected
  }
}

export class UnexpectedMessageError extends BaseError {
  override readonly name = 'UnexpectedMessageError'
  readonly expected: readonly string[]
  readonly received: string
  constructor(expected: readonly string[], received: string) {
    super(`Expected ${expected.join(' or ')} but the peer sent ${received}; the two agents are out of step.`)
    this.expected = expected
    this.received = received
  }
}

export class PeerReportedError extends BaseError {
  override readonly name = 'PeerReportedError'
  readonly code: string
  readonly text: string
  constructor(code: string, text: string) {
    super(`The peer reported ${code}${text ? `: ${text}` : ''}.`)
    this.code = code
    this.text = text
  }
}

export class SessionClosedError extends BaseError {
  override readonly name = 'SessionClosedError'
  constructor(options: { cause?: unknown } = {}) {
    super('The link session is closed; open a new session to talk to the peer.', options)
  }
}

// Transport level.

export class TransportClosedError extends BaseError {
  override readonly name = 'TransportClosedError'
  constructor(transport: string, options: { cause?: unknown } = {}) {
    super(`The ${transport} transport is closed; reconnect before writing.`, options)
  }
}

export class TransportConnectError extends BaseError {
  override readonly name = 'TransportConnectError'
  constructor(target: string, cause: unknown) {
    super(`Could not connect to ${target}; check that the peer is listening.`, { cause, retryable: true })
  }
}

export class LinkOptionError extends BaseError {
  override readonly name = 'LinkOptionError'
  constructor(option: string, problem: string) {
    super(`Option ${option} ${problem}.`)
  }
}
