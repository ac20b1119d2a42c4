import type { ApplicationMessage, PaymentTerms } from './types.js'

/** Realistic sample messages, one or more per type and variant; used by tests and the link benchmark. */

export const filled = (length: number, byte: number): Uint8Array => new Uint8Array(length).fill(byte)

export const sampleTerms: PaymentTerms = {
  token: filled(20, 0),
  pricePerKWh: 350_000_000_000_000n,
  pricePerMinute: 2_000_000_000_000n,
  idlePerMinute: 10_000_000_000_000n,
  sessionFee: 50_000_000_000_000n,
  payee: filled(20, 0x22),
  agent: filled(20, 0x44),
  escrow: filled(20, 0x33),
  minDeposit: 10n ** 18n,
  creditWh: 500,
  meterIntervalMs: 5_000,
  confirmations: 2,
}

export const sampleMessages: ApplicationMessage[] = [
  { type: 'Error', code: 'unexpectedMessage', text: 'expected Voucher, got Auth — 电桩' },
  {
    type: 'Hello',
    pileId: filled(32, 0xa1),
    chainId: 31337,
    verifyingContract: filled(20, 0xc0),
    nonce: filled(16, 7),
  },
  { type: 'Auth', signature: filled(64, 0x5e) },
  { type: 'Auth', signature: filled(64, 0x5e), vehicle: filled(20, 0xca) },
  { type: 'AuthResult', result: 'free', sessionId: filled(16, 0x42) },
  { type: 'AuthResult', result: 'pay', terms: sampleTerms },
  { type: 'AuthResult', result: 'rejected', reason: 'badSignature' },
  { type: 'PaymentOpened', method: 'escrow', sessionId: filled(32, 1), txHash: filled(32, 2) },
  { type: 'PaymentOpened', method: 'channel', channelId: filled(32, 3) },
  { type: 'PaymentResult', result: 'accepted' },
  { type: 'PaymentResult', result: 'rejected', reason: 'depositTooLow' },
  { type: 'ChargingStarted' },
  {
    type: 'MeterReading',
    energyWh: 1234,
    voltageDv: 2301,
    currentMa: 31_850,
    powerW: 7_330,
    timestampMs: 1_767_225_600_123,
    chargingSeconds: 600,
    idleSeconds: 0,
  },
  {
    type: 'Voucher',
    energyWh: 1234,
    chargingSeconds: 600,
    idleSeconds: 0,
    amount: 431_900_000_000_000n,
    signature: filled(64, 0x99),
  },
  {
    type: 'Voucher',
    energyWh: 0,
    chargingSeconds: 0xffff_ffff,
    idleSeconds: 0xffff_ffff,
    amount: (1n << 256n) - 1n,
    signature: filled(64, 0x98),
  },
  { type: 'StopRequest', reason: 'batteryFull' },
  {
    type: 'ChargingStopped',
    reason: 'gunRemoved',
    energyWh: 21_500,
    chargingSeconds: 11_040,
    idleSeconds: 1_800,
  },
  { type: 'Receipt', settleTxHash: filled(32, 0x77), energyWh: 21_500, amount: 7_525_000_000_000_000n },
  { type: 'Receipt', settleTxHash: filled(32, 0), energyWh: 9_000, amount: 0n },
  { type: 'VisitClosed' },
]
