import crc16ccitt from 'crc/calculators/crc16ccitt'
import { FrameEncodeError } from './errors.js'

/**
 * Frame layout (all multi-byte integers big-endian):
 *
 *   sync 0xCC 0x5A | version | type | seq | ack | length (varint, 1–2 B) | payload | CRC-16
 *
 * The CRC is CRC-16/CCITT-FALSE over version … payload. At our ≤ 530-byte frames it has Hamming distance 4 (every 1-, 2-
 * and 3-bit error is caught) and catches every burst up to 16 bits; CRC-32 would add 2 bytes to every frame, which the
 * 200-byte authentication budget at 960 B/s cannot spare, while the session's retransmission covers what slips through.
 */
/** The two sync bytes apart, for the decoder's scan. */
export const SYNC_FIRST = 0xcc
export const SYNC_SECOND = 0x5a
export const SYNC = Uint8Array.of(SYNC_FIRST, SYNC_SECOND)
/**
 * Changes when an existing message's layout changes (2: tariff terms and voucher seconds). New message types need no
 * bump: a peer that does not know one answers `unsupportedMessage` and ignores it.
 */
export const PROTOCOL_VERSION = 2
export const DEFAULT_MAX_PAYLOAD = 512
/** Length varints are at most two bytes, so no payload can be announced beyond this. */
export const LENGTH_LIMIT = 0x3fff
export const CRC_LENGTH = 2
/** sync + version + type + seq + ack, before the length varint. */
export const FIXED_HEADER_LENGTH = 6

export type Frame = {
  typeId: number
  /** 1…255 for frames that must be acknowledged; 0 for a bare acknowledgement. */
  seq: number
  /** The last sequence number received in order from the peer; 0 when none yet. */
  ack: number
  payload: Uint8Array
}

export function frameCrc(bytes: Uint8Array): number {
  return crc16ccitt(bytes)
}

/** Bytes a frame with a payload of this length occupies on the wire. */
export function frameLength(payloadLength: number): number {
  return FIXED_HEADER_LENGTH + (payloadLength < 0x80 ? 1 : 2) + payloadLength + CRC_LENGTH
}

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff)
    throw new FrameEncodeError(`${name} must be an integer 0…255, got ${value}`)
}

export function encodeFrame(frame: Frame): Uint8Array {
  checkByte('typeId', frame.typeId)
  checkByte('seq', frame.seq)
  checkByte('ack', frame.ack)
  const length = frame.payload.length
  if (length > LENGTH_LIMIT) throw new FrameEncodeError(`payload of ${length} bytes exceeds ${LENGTH_LIMIT}`)
  const bytes = new Uint8Array(frameLength(length))
  bytes.set(SYNC, 0)
  bytes[2] = PROTOCOL_VERSION
  bytes[3] = frame.typeId
  bytes[4] = frame.seq
  bytes[5] = frame.ack
  let offset = FIXED_HEADER_LENGTH
  if (length < 0x80) bytes[offset++] = length
  else {
    bytes[offset++] = (length & 0x7f) | 0x80
    bytes[offset++] = length >> 7
  }
  bytes.set(frame.payload, offset)
  offset += length
  const crc = frameCrc(bytes.subarray(2, offset))
  bytes[offset] = crc >> 8
  bytes[offset + 1] = crc & 0xff
  return bytes
}
