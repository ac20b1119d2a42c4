export { type DecoderEvent, FrameDecoder, type FrameDecoderOptions } from './decoder.js'
export {
  AckTimeoutError,
  ExpectTimeoutError,
  FrameCrcError,
  type FrameDecodeError,
  FrameEncodeError,
  FrameGarbageError,
  FrameOversizeError,
  FrameTruncatedError,
  FrameVersionError,
  isLinkDrop,
  isLinkFailure,
  LinkError,
  LinkOptionError,
  MessageFieldError,
  PeerReportedError,
  SessionClosedError,
  TransportClosedError,
  TransportConnectError,
  UnexpectedMessageError,
  UnknownMessageTypeError,
} from './errors.js'
export {
  DEFAULT_MAX_PAYLOAD,
  encodeFrame,
  type Frame,
  frameLength,
  PROTOCOL_VERSION,
  SYNC,
} from './frame.js'
export { decodeMessage, encodeMessage, messageTypeOf } from './messages/codecs.js'
export * from './messages/types.js'
export { createSession } from './session.js'
export type {
  LinkClock,
  LinkSession,
  SessionDiagnostic,
  SessionOptions,
  SessionStats,
  WaitOptions,
} from './sessionTypes.js'
export { type ByteCount, countBytes } from './transports/countBytes.js'
export {
  createTransport,
  type LinkTransport,
  type TransportConfig,
  type TransportDriver,
  type TransportSink,
  type TransportStats,
} from './transports/createTransport.js'
export { memoryPair } from './transports/memory.js'
export {
  type DuplexLike,
  type ReadableLike,
  type StreamTransportOptions,
  stream,
  type WritableLike,
} from './transports/stream.js'
export { type TcpOptions, type TcpServer, tcp, tcpServer } from './transports/tcp.js'
export { type LineFaults, type ThrottledOptions, throttled } from './transports/throttled.js'
