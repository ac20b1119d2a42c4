import { UnknownMessageTypeError } from '../errors.js'
import { MAX_UINT256, PayloadReader, PayloadWriter } from './bytes.js'
import {
  ADDRESS_LENGTH,
  ERROR_TEXT_MAX_BYTES,
  ErrorCodeValue,
  FREE_SESSION_ID_LENGTH,
  HASH_LENGTH,
  type Message,
  type MessageOf,
  type MessageType,
  MessageTypeId,
  NONCE_LENGTH,
  type PaymentTerms,
  RejectReasonCode,
  SIGNATURE_LENGTH,
  StopReasonCode,
} from './types.js'

const MAX_UINT32 = 0xffff_ffff
const MAX_UINT96 = (1n << 96n) - 1n
const MAX_VOLTAGE_DV = 0xffff
const MAX_METER_INTERVAL_MS = 3_600_000
const MAX_CONFIRMATIONS = 1_000
const AUTH_FLAG_VEHICLE = 0x01

type Codec<T extends MessageType> = {
  encode(writer: PayloadWriter, message: MessageOf<T>): void
  decode(reader: PayloadReader): MessageOf<T>
}

function writeEnum(
  writer: PayloadWriter,
  field: string,
  table: Record<string, number>,
  value: unknown,
): void {
  // hasOwn keeps inherited names such as `toString` out.
  const code = typeof value === 'string' && Object.hasOwn(table, value) ? table[value] : undefined
  if (code === undefined)
    writer.fail(field, `must be one of ${Object.keys(table).join(', ')}, got ${String(value)}`)
  writer.u8(field, code)
}

function readEnum<K extends string>(reader: PayloadReader, field: string, table: Record<K, number>): K {
  const code = reader.u8(field)
  const entry = Object.entries(table).find(([, value]) => value === code)
  if (!entry) reader.fail(field, `has unknown code ${code}`)
  return entry[0] as K
}

const utf8 = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

function decodeUtf8(reader: PayloadReader, raw: Uint8Array): string {
  try {
    return strictUtf8.decode(raw)
  } catch {
    return reader.fail('text', 'is not valid UTF-8')
  }
}

function writeTerms(writer: PayloadWriter, terms: PaymentTerms): void {
  if (typeof terms !== 'object' || terms === null) writer.fail('terms', 'must be an object')
  writer
    .bytes('terms.token', terms.token, ADDRESS_LENGTH)
    .bigUint('terms.pricePerKWh', terms.pricePerKWh, MAX_UINT96)
    .bigUint('terms.pricePerMinute', terms.pricePerMinute, MAX_UINT96)
    .bigUint('terms.idlePerMinute', terms.idlePerMinute, MAX_UINT96)
    .bigUint('terms.sessionFee', terms.sessionFee, MAX_UINT96)
    .bytes('terms.payee', terms.payee, ADDRESS_LENGTH)
    .bytes('terms.agent', terms.agent, ADDRESS_LENGTH)
    .bytes('terms.escrow', terms.escrow, ADDRESS_LENGTH)
    .bigUint('terms.minDeposit', terms.minDeposit, MAX_UINT256)
    .uint('terms.creditWh', terms.creditWh, MAX_UINT32)
  if (terms.meterIntervalMs === 0) writer.fail('terms.meterIntervalMs', 'must be at least 1')
  writer
    .uint('terms.meterIntervalMs', terms.meterIntervalMs, MAX_METER_INTERVAL_MS)
    .uint('terms.confirmations', terms.confirmations, MAX_CONFIRMATIONS)
}

function readTerms(reader: PayloadReader): PaymentTerms {
  const terms = {
    token: reader.bytes('terms.token', ADDRESS_LENGTH),
    pricePerKWh: reader.bigUint('terms.pricePerKWh', MAX_UINT96),
    pricePerMinute: reader.bigUint('terms.pricePerMinute', MAX_UINT96),
    idlePerMinute: reader.bigUint('terms.idlePerMinute', MAX_UINT96),
    sessionFee: reader.bigUint('terms.sessionFee', MAX_UINT96),
    payee: reader.bytes('terms.payee', ADDRESS_LENGTH),
    agent: reader.bytes('terms.agent', ADDRESS_LENGTH),
    escrow: reader.bytes('terms.escrow', ADDRESS_LENGTH),
    minDeposit: reader.bigUint('terms.minDeposit', MAX_UINT256),
    creditWh: reader.uint('terms.creditWh', MAX_UINT32),
    meterIntervalMs: reader.uint('terms.meterIntervalMs', MAX_METER_INTERVAL_MS),
    confirmations: reader.uint('terms.confirmations', MAX_CONFIRMATIONS),
  }
  if (terms.meterIntervalMs === 0) reader.fail('terms.meterIntervalMs', 'must be at least 1')
  return terms
}

const codecs: { [T in MessageType]: Codec<T> } = {
  Ack: { encode() {}, decode: () => ({ type: 'Ack' }) },
  Error: {
    encode(writer, message) {
      writeEnum(writer, 'code', ErrorCodeValue, message.code)
      if (typeof message.text !== 'string') writer.fail('text', 'must be a string')
      writer.varBytes('text', utf8.encode(message.text), ERROR_TEXT_MAX_BYTES)
    },
    decode(reader) {
      const code = readEnum(reader, 'code', ErrorCodeValue)
      const raw = reader.varBytes('text', ERROR_TEXT_MAX_BYTES)
      return { type: 'Error', code, text: decodeUtf8(reader, raw) }
    },
  },
  Hello: {
    encode(writer, message) {
      writer.bytes('pileId', message.pileId, HASH_LENGTH)
      if (message.chainId === 0) writer.fail('chainId', 'must be at least 1')
      writer
        .uint('chainId', message.chainId, Number.MAX_SAFE_INTEGER)
        .bytes('verifyingContract', message.verifyingContract, ADDRESS_LENGTH)
        .bytes('nonce', message.nonce, NONCE_LENGTH)
    },
    decode(reader) {
      const pileId = reader.bytes('pileId', HASH_LENGTH)
      const chainId = reader.uint('chainId', Number.MAX_SAFE_INTEGER)
      if (chainId === 0) reader.fail('chainId', 'must be at least 1')
      return {
        type: 'Hello',
        pileId,
        chainId,
        verifyingContract: reader.bytes('verifyingContract', ADDRESS_LENGTH),
        nonce: reader.bytes('nonce', NONCE_LENGTH),
      }
    },
  },
  Auth: {
    encode(writer, message) {
      writer.u8('flags', message.vehicle === undefined ? 0 : AUTH_FLAG_VEHICLE)
      writer.bytes('signature', message.signature, SIGNATURE_LENGTH)
      if (message.vehicle !== undefined) writer.bytes('vehicle', message.vehicle, ADDRESS_LENGTH)
    },
    decode(reader) {
      const flags = reader.u8('flags')
      if ((flags & ~AUTH_FLAG_VEHICLE) !== 0) reader.fail('flags', `has unknown bits 0x${flags.toString(16)}`)
      const signature = reader.bytes('signature', SIGNATURE_LENGTH)
      if (flags & AUTH_FLAG_VEHICLE)
        return { type: 'Auth', signature, vehicle: reader.bytes('vehicle', ADDRESS_LENGTH) }
      return { type: 'Auth', signature }
    },
  },
  AuthResult: {
    encode(writer, message) {
      if (message.result === 'free')
        writer.u8('result', 0).bytes('sessionId', message.sessionId, FREE_SESSION_ID_LENGTH)
      else if (message.result === 'pay') writeTerms(writer.u8('result', 1), message.terms)
      else if (message.result === 'rejected')
        writeEnum(writer.u8('result', 2), 'reason', RejectReasonCode, message.reason)
      else writer.fail('result', 'must be free, pay or rejected')
    },
    decode(reader) {
      const result = reader.u8('result')
      if (result === 0)
        return {
          type: 'AuthResult',
          result: 'free',
          sessionId: reader.bytes('sessionId', FREE_SESSION_ID_LENGTH),
        }
      if (result === 1) return { type: 'AuthResult', result: 'pay', terms: readTerms(reader) }
      if (result === 2)
        return {
          type: 'AuthResult',
          result: 'rejected',
          reason: readEnum(reader, 'reason', RejectReasonCode),
        }
      return reader.fail('result', `has unknown code ${result} (0 free, 1 pay, 2 rejected)`)
    },
  },
  PaymentOpened: {
    encode(writer, message) {
      if (message.method === 'escrow')
        writer
          .u8('method', 0)
          .bytes('sessionId', message.sessionId, HASH_LENGTH)
          .bytes('txHash', message.txHash, HASH_LENGTH)
      else if (message.method === 'channel')
        writer.u8('method', 1).bytes('channelId', message.channelId, HASH_LENGTH)
      else writer.fail('method', 'must be escrow or channel')
    },
    decode(reader) {
      const method = reader.u8('method')
      if (method === 0)
        return {
          type: 'PaymentOpened',
          method: 'escrow',
          sessionId: reader.bytes('sessionId', HASH_LENGTH),
          txHash: reader.bytes('txHash', HASH_LENGTH),
        }
      if (method === 1)
        return { type: 'PaymentOpened', method: 'channel', channelId: reader.bytes('channelId', HASH_LENGTH) }
      return reader.fail('method', `has unknown code ${method} (0 escrow, 1 channel)`)
    },
  },
  PaymentResult: {
    encode(writer, message) {
      if (message.result === 'accepted') writer.u8('result', 0)
      else if (message.result === 'rejected')
        writeEnum(writer.u8('result', 1), 'reason', RejectReasonCode, message.reason)
      else writer.fail('result', 'must be accepted or rejected')
    },
    decode(reader) {
      const result = reader.u8('result')
      if (result === 0) return { type: 'PaymentResult', result: 'accepted' }
      if (result === 1)
        return {
          type: 'PaymentResult',
          result: 'rejected',
          reason: readEnum(reader, 'reason', RejectReasonCode),
        }
      return reader.fail('result', `has unknown code ${result} (0 accepted, 1 rejected)`)
    },
  },
  ChargingStarted: { encode() {}, decode: () => ({ type: 'ChargingStarted' }) },
  MeterReading: {
    encode(writer, message) {
      writer
        .uint('energyWh', message.energyWh, Number.MAX_SAFE_INTEGER)
        .uint('voltageDv', message.voltageDv, MAX_VOLTAGE_DV)
        .uint('currentMa', message.currentMa, MAX_UINT32)
        .uint('powerW', message.powerW, MAX_UINT32)
        .uint('timestampMs', message.timestampMs, Number.MAX_SAFE_INTEGER)
        .uint('chargingSeconds', message.chargingSeconds, MAX_UINT32)
        .uint('idleSeconds', message.idleSeconds, MAX_UINT32)
    },
    decode: (reader) => ({
      type: 'MeterReading',
      energyWh: reader.uint('energyWh', Number.MAX_SAFE_INTEGER),
      voltageDv: reader.uint('voltageDv', MAX_VOLTAGE_DV),
      currentMa: reader.uint('currentMa', MAX_UINT32),
      powerW: reader.uint('powerW', MAX_UINT32),
      timestampMs: reader.uint('timestampMs', Number.MAX_SAFE_INTEGER),
      chargingSeconds: reader.uint('chargingSeconds', MAX_UINT32),
      idleSeconds: reader.uint('idleSeconds', MAX_UINT32),
    }),
  },
  Voucher: {
    encode(writer, message) {
      writer
        .uint('energyWh', message.energyWh, Number.MAX_SAFE_INTEGER)
        .uint('chargingSeconds', message.chargingSeconds, MAX_UINT32)
        .uint('idleSeconds', message.idleSeconds, MAX_UINT32)
        .bigUint('amount', message.amount, MAX_UINT256)
        .bytes('signature', message.signature, SIGNATURE_LENGTH)
    },
    decode: (reader) => ({
      type: 'Voucher',
      energyWh: reader.uint('energyWh', Number.MAX_SAFE_INTEGER),
      chargingSeconds: reader.uint('chargingSeconds', MAX_UINT32),
      idleSeconds: reader.uint('idleSeconds', MAX_UINT32),
      amount: reader.bigUint('amount', MAX_UINT256),
      signature: reader.bytes('signature', SIGNATURE_LENGTH),
    }),
  },
  StopRequest: {
    encode: (writer, message) => writeEnum(writer, 'reason', StopReasonCode, message.reason),
    decode: (reader) => ({ type: 'StopRequest', reason: readEnum(reader, 'reason', StopReasonCode) }),
  },
  ChargingStopped: {
    encode(writer, message) {
      writeEnum(writer, 'reason', StopReasonCode, message.reason)
      writer
        .uint('energyWh', message.energyWh, Number.MAX_SAFE_INTEGER)
        .uint('chargingSeconds', message.chargingSeconds, MAX_UINT32)
        .uint('idleSeconds', message.idleSeconds, MAX_UINT32)
    },
    decode: (reader) => ({
      type: 'ChargingStopped',
      reason: readEnum(reader, 'reason', StopReasonCode),
      energyWh: reader.uint('energyWh', Number.MAX_SAFE_INTEGER),
      chargingSeconds: reader.uint('chargingSeconds', MAX_UINT32),
      idleSeconds: reader.uint('idleSeconds', MAX_UINT32),
    }),
  },
  Receipt: {
    encode(writer, message) {
      writer
        .bytes('settleTxHash', message.settleTxHash, HASH_LENGTH)
        .uint('energyWh', message.energyWh, Number.MAX_SAFE_INTEGER)
        .bigUint('amount', message.amount, MAX_UINT256)
    },
    decode: (reader) => ({
      type: 'Receipt',
      settleTxHash: reader.bytes('settleTxHash', HASH_LENGTH),
      energyWh: reader.uint('energyWh', Number.MAX_SAFE_INTEGER),
      amount: reader.bigUint('amount', MAX_UINT256),
    }),
  },
  VisitClosed: { encode() {}, decode: () => ({ type: 'VisitClosed' }) },
}

const typeById = new Map<number, MessageType>(
  Object.entries(MessageTypeId).map(([type, id]) => [id, type as MessageType]),
)

/** The message type a wire id stands for, or undefined for an id this version does not know. */
export function messageTypeOf(typeId: number): MessageType | undefined {
  return typeById.get(typeId)
}

/** Validates and encodes a message into its wire id and payload. Throws MessageFieldError naming the bad field. */
export function encodeMessage(message: Message): { typeId: number; payload: Uint8Array } {
  const type = (message as { type?: unknown } | null)?.type
  if (typeof type !== 'string' || !Object.hasOwn(MessageTypeId, type))
    throw new UnknownMessageTypeError(String(type))
  const writer = new PayloadWriter(type)
  ;(codecs[type as MessageType] as Codec<MessageType>).encode(writer, message)
  return { typeId: MessageTypeId[type as MessageType], payload: writer.toBytes() }
}

/** Decodes and validates a payload. Throws UnknownMessageTypeError or MessageFieldError naming the bad field. */
export function decodeMessage(typeId: number, payload: Uint8Array): Message {
  const type = messageTypeOf(typeId)
  if (type === undefined) throw new UnknownMessageTypeError(typeId)
  const reader = new PayloadReader(type, payload)
  const message = codecs[type].decode(reader)
  reader.end()
  return message
}
