import { defined } from '@chargechain/errors'
import { describe, expect, it } from 'vitest'
import { MessageFieldError, UnknownMessageTypeError } from '../errors.js'
import { decodeMessage, encodeMessage } from './codecs.js'
import { filled, sampleMessages, sampleTerms } from './fixtures.js'
import { type Message, MessageTypeId } from './types.js'

function decodeError(typeId: number, payload: Uint8Array): unknown {
  try {
    decodeMessage(typeId, payload)
  } catch (error) {
    return error
  }
  throw new Error('decode unexpectedly succeeded')
}

function encodeError(message: unknown): unknown {
  try {
    encodeMessage(message as Message)
  } catch (error) {
    return error
  }
  throw new Error('encode unexpectedly succeeded')
}

describe('message codecs', () => {
  it('cover every message type', () => {
    const covered = new Set(['Ack', ...sampleMessages.map((message) => message.type)])
    expect([...covered].sort()).toEqual(Object.keys(MessageTypeId).sort())
  })

  it.each(
    sampleMessages.map((message) => [
      `${message.type} ${JSON.stringify(Object.values(message)[1]) ?? ''}`.slice(0, 60),
      message,
    ]),
  )('round-trips %s', (_, message) => {
    const { typeId, payload } = encodeMessage(message)
    expect(typeId).toBe(MessageTypeId[message.type])
    expect(decodeMessage(typeId, payload)).toEqual(message)
  })

  it('round-trips the bare Ack', () => {
    const { typeId, payload } = encodeMessage({ type: 'Ack' })
    expect([typeId, payload.length]).toEqual([0, 0])
    expect(decodeMessage(0, payload)).toEqual({ type: 'Ack' })
  })

  it('keeps the authentication messages small', () => {
    const size = (index: number) =>
      encodeMessage(defined(sampleMessages[index], `sample message ${index}`)).payload.length
    expect(size(1)).toBe(32 + 3 + 20 + 16) // Hello on chain 31337
    expect(size(2)).toBe(1 + 64) // Auth without the diagnostic address
    expect(size(4)).toBe(1 + 16) // AuthResult free
  })

  it.each(sampleMessages.map((message) => [message.type, message]))(
    '%s rejects every truncation and trailing bytes with a MessageFieldError',
    (type, message) => {
      const { typeId, payload } = encodeMessage(message)
      for (let length = 0; length < payload.length; length++) {
        const error = decodeError(typeId, payload.subarray(0, length))
        expect(error).toBeInstanceOf(MessageFieldError)
        expect((error as MessageFieldError).messageType).toBe(type)
      }
      const trailing = decodeError(typeId, Uint8Array.of(...payload, 0))
      expect(trailing).toBeInstanceOf(MessageFieldError)
      expect((trailing as MessageFieldError).field).toBe('payload')
    },
  )

  const malformedPayloads: [string, number, number[], string][] = [
    ['Error with unknown code', 0x01, [200, 0], 'code'],
    ['Error with invalid UTF-8', 0x01, [1, 2, 0xc3, 0x28], 'text'],
    ['Error with text over 96 bytes', 0x01, [1, 97, 0x00, ...new Array(97).fill(0x41)], 'text'],
    ['Hello with chain id 0', 0x10, [...filled(32, 1), 0, ...filled(36, 1)], 'chainId'],
    [
      'Hello with chain id over 2^53',
      0x10,
      [...filled(32, 1), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
      'chainId',
    ],
    ['Hello with a non-minimal varint', 0x10, [...filled(32, 1), 0x81, 0x00, ...filled(36, 1)], 'chainId'],
    ['Auth with unknown flags', 0x11, [0x02, ...filled(64, 1)], 'flags'],
    [
      'Auth flagged with an address but without it',
      0x11,
      [0x01, ...filled(64, 1), ...filled(19, 1)],
      'vehicle',
    ],
    ['AuthResult with unknown result', 0x12, [3], 'result'],
    ['AuthResult rejected with unknown reason', 0x12, [2, 42], 'reason'],
    ['PaymentOpened with unknown method', 0x20, [2, ...filled(32, 1)], 'method'],
    ['PaymentResult with unknown result', 0x21, [2], 'result'],
    ['MeterReading with voltage over 6553.5 V', 0x31, [1, 0x80, 0x80, 0x04, 1, 1, 1], 'voltageDv'],
    ['MeterReading with current over 2^32 mA', 0x31, [1, 1, 0x80, 0x80, 0x80, 0x80, 0x10, 1, 1], 'currentMa'],
    ['Voucher with an amount over 2^256', 0x32, [1, 0, 0, ...new Array(37).fill(0xff), 0x01], 'amount'],
    [
      'Voucher with charging seconds over 2^32',
      0x32,
      [1, 0x80, 0x80, 0x80, 0x80, 0x10, 0],
      'chargingSeconds',
    ],
    ['StopRequest with unknown reason', 0x33, [0], 'reason'],
    ['ChargingStopped with unknown reason', 0x34, [77, 1], 'reason'],
    ['ChargingStarted with a payload', 0x30, [1], 'payload'],
  ]

  it.each(malformedPayloads)('rejects %s naming the field', (_, typeId, payload, field) => {
    const error = decodeError(typeId, Uint8Array.from(payload))
    expect(error).toBeInstanceOf(MessageFieldError)
    expect((error as MessageFieldError).field).toBe(field)
    expect((error as MessageFieldError).message).toContain(field)
  })

  it('rejects payment terms field by field', () => {
    const encodeTerms = (change: object) =>
      encodeError({ type: 'AuthResult', result: 'pay', terms: { ...sampleTerms, ...change } })
    expect(encodeTerms({ token: filled(19, 0) })).toMatchObject({ field: 'terms.token' })
    expect(encodeTerms({ pricePerKWh: -1n })).toMatchObject({ field: 'terms.pricePerKWh' })
    // The registry stores prices as uint96: a larger one could never be bound on chain.
    expect(encodeTerms({ pricePerMinute: 1n << 96n })).toMatchObject({ field: 'terms.pricePerMinute' })
    expect(encodeTerms({ idlePerMinute: 1 })).toMatchObject({ field: 'terms.idlePerMinute' })
    expect(encodeTerms({ sessionFee: -1n })).toMatchObject({ field: 'terms.sessionFee' })
    expect(encodeTerms({ agent: filled(32, 0) })).toMatchObject({ field: 'terms.agent' })
    expect(encodeTerms({ minDeposit: 5 })).toMatchObject({ field: 'terms.minDeposit' })
    expect(encodeTerms({ meterIntervalMs: 0 })).toMatchObject({ field: 'terms.meterIntervalMs' })
    expect(encodeTerms({ confirmations: 1.5 })).toMatchObject({ field: 'terms.confirmations' })
    const { payload } = encodeMessage({
      type: 'AuthResult',
      result: 'pay',
      terms: { ...sampleTerms, meterIntervalMs: 1 },
    })
    // meterIntervalMs is the second-to-last varint; 1 → 0 makes it invalid on the wire.
    payload[payload.length - 2] = 0
    expect(decodeError(0x12, payload)).toMatchObject({
      name: 'MessageFieldError',
      field: 'terms.meterIntervalMs',
    })
  })

  it('rejects invalid fields when encoding, naming message and field', () => {
    const voucher = {
      type: 'Voucher',
      energyWh: 1,
      chargingSeconds: 60,
      idleSeconds: 0,
      signature: filled(64, 0),
    }
    const cases: [unknown, string][] = [
      [
        {
          type: 'Hello',
          pileId: filled(31, 0),
          chainId: 1,
          verifyingContract: filled(20, 0),
          nonce: filled(16, 0),
        },
        'pileId',
      ],
      [
        {
          type: 'Hello',
          pileId: filled(32, 0),
          chainId: -1,
          verifyingContract: filled(20, 0),
          nonce: filled(16, 0),
        },
        'chainId',
      ],
      [
        {
          type: 'Hello',
          pileId: filled(32, 0),
          chainId: 1,
          verifyingContract: '0xabc',
          nonce: filled(16, 0),
        },
        'verifyingContract',
      ],
      [{ type: 'Auth', signature: filled(65, 0) }, 'signature'],
      [{ type: 'AuthResult', result: 'maybe' }, 'result'],
      [{ type: 'AuthResult', result: 'rejected', reason: 'toString' }, 'reason'],
      [
        { type: 'MeterReading', energyWh: 1, voltageDv: 70_000, currentMa: 1, powerW: 1, timestampMs: 1 },
        'voltageDv',
      ],
      [{ ...voucher, amount: 1 << 30 }, 'amount'],
      [{ ...voucher, amount: 1n << 256n }, 'amount'],
      [{ ...voucher, idleSeconds: -1 }, 'idleSeconds'],
      [{ ...voucher, chargingSeconds: 2 ** 32 }, 'chargingSeconds'],
      [{ type: 'Error', code: 'internal', text: 'x'.repeat(97) }, 'text'],
      [{ type: 'Receipt', settleTxHash: filled(32, 0), energyWh: Number.NaN, amount: 0n }, 'energyWh'],
    ]
    for (const [message, field] of cases) {
      const error = encodeError(message)
      expect(error, field).toBeInstanceOf(MessageFieldError)
      expect(error).toMatchObject({ messageType: (message as Message).type, field })
    }
  })

  it('rejects unknown message types both ways', () => {
    expect(decodeError(0x7f, new Uint8Array(0))).toBeInstanceOf(UnknownMessageTypeError)
    expect(encodeError({ type: 'Teleport' })).toBeInstanceOf(UnknownMessageTypeError)
    expect(encodeError(null)).toBeInstanceOf(UnknownMessageTypeError)
  })
})
