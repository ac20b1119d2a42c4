/**
 * The messages pile (P) and car (V) exchange. Addresses, ids, nonces and signatures are raw bytes: this package knows
 * nothing of the chain, the agents convert with viem. Signatures are 64-byte EIP-2098 compact signatures (r ‖ yParityAndS):
 * one byte shorter than r ‖ s ‖ v and with no v-encoding ambiguity; viem's `serializeCompactSignature` and
 * `parseCompactSignature` convert.
 */

export const ADDRESS_LENGTH = 20
export const HASH_LENGTH = 32
export const NONCE_LENGTH = 16
export const FREE_SESSION_ID_LENGTH = 16
export const SIGNATURE_LENGTH = 64
export const ERROR_TEXT_MAX_BYTES = 96

/** Wire ids. Blocks of 16 per protocol step leave room for more types; ids ≥ 0x80 are reserved for extensions. */
export const MessageTypeId = {
  Ack: 0x00,
  Error: 0x01,
  Hello: 0x10,
  Auth: 0x11,
  AuthResult: 0x12,
  PaymentOpened: 0x20,
  PaymentResult: 0x21,
  ChargingStarted: 0x30,
  MeterReading: 0x31,
  Voucher: 0x32,
  StopRequest: 0x33,
  ChargingStopped: 0x34,
  Receipt: 0x40,
  VisitClosed: 0x41,
} as const

export type MessageType = keyof typeof MessageTypeId

/** Why the pile turns a car or its payment away. */
export const RejectReasonCode = {
  badSignature: 1,
  notAuthorized: 2,
  pileBusy: 3,
  outOfService: 4,
  paymentNotFound: 5,
  depositTooLow: 6,
  paymentMismatch: 7,
  paymentNotConfirmed: 8,
  untrustedContract: 9,
  other: 255,
} as const
export type RejectReason = keyof typeof RejectReasonCode

/** Why charging ends; the car uses it in StopRequest, the pile in ChargingStopped. */
export const StopReasonCode = {
  vehicleRequested: 1,
  batteryFull: 2,
  targetReached: 3,
  gunRemoved: 4,
  depositExhausted: 5,
  vouchersBehind: 6,
  meterFailure: 7,
  pileFault: 8,
  vehicleFault: 9,
  operatorStopped: 10,
  linkLost: 11,
  /** The car's own meter disagrees with the pile's reading beyond its tolerance. */
  meterMismatch: 12,
  other: 255,
} as const
export type StopReason = keyof typeof StopReasonCode

/**
 * `malformedMessage` and `unsupportedMessage` belong to the session: it answers a frame it cannot use with them, and
 * takes them from the peer as a diagnostic, never handing them to the application.
 */
export const ErrorCodeValue = {
  malformedMessage: 1,
  unexpectedMessage: 2,
  unsupportedVersion: 3,
  badVoucher: 4,
  timeout: 5,
  internal: 6,
  /** A message type this side does not know (the peer speaks a newer protocol): ignored. */
  unsupportedMessage: 7,
  other: 255,
} as const
export type ErrorCode = keyof typeof ErrorCodeValue

export type AckMessage = { type: 'Ack' }

export type ErrorMessage = { type: 'Error'; code: ErrorCode; text: string }

/** P→V: who the pile is and a fresh challenge the car signs with EIP-712. */
export type HelloMessage = {
  type: 'Hello'
  pileId: Uint8Array
  chainId: number
  /** The deployment's contract that the car's EIP-712 signature is bound to. */
  verifyingContract: Uint8Array
  nonce: Uint8Array
}

/** V→P: the car's signature over (nonce, pile identity); the pile recovers the car's address from it. */
export type AuthMessage = {
  type: 'Auth'
  signature: Uint8Array
  /** Diagnostics only (costs 20 bytes): the address the car believes it signed with. */
  vehicle?: Uint8Array
}

/**
 * What the pile asks of a paying car: with them the car rebuilds the exact on-chain `Terms` it binds when it opens the
 * session (payee = payout, token = currency). Prices are uint96, as the registry stores them.
 */
export type PaymentTerms = {
  /** ERC-20 token address; all zero for the chain's native coin. */
  token: Uint8Array
  /** Smallest unit per kWh. */
  pricePerKWh: bigint
  /** Per minute of charging, pro rata per second. */
  pricePerMinute: bigint
  /** Per minute of idling once the car is full, pro rata per second. */
  idlePerMinute: bigint
  /** Once per session. */
  sessionFee: bigint
  /** Where the money goes (the payment channel's recipient). */
  payee: Uint8Array
  /** The pile's hot key that settles. */
  agent: Uint8Array
  escrow: Uint8Array
  minDeposit: bigint
  /** Energy the pile delivers ahead of the vouchers before it stops. */
  creditWh: number
  meterIntervalMs: number
  confirmations: number
}

export type AuthResultMessage =
  | { type: 'AuthResult'; result: 'free'; sessionId: Uint8Array }
  | { type: 'AuthResult'; result: 'pay'; terms: PaymentTerms }
  | { type: 'AuthResult'; result: 'rejected'; reason: RejectReason }

export type PaymentOpenedMessage =
  | { type: 'PaymentOpened'; method: 'escrow'; sessionId: Uint8Array; txHash: Uint8Array }
  | { type: 'PaymentOpened'; method: 'channel'; channelId: Uint8Array }

export type PaymentResultMessage =
  | { type: 'PaymentResult'; result: 'accepted' }
  | { type: 'PaymentResult'; result: 'rejected'; reason: RejectReason }

/** P→V: gun in, relay on. */
export type ChargingStartedMessage = { type: 'ChargingStarted' }

export type MeterReadingMessage = {
  type: 'MeterReading'
  /** Energy delivered in this session so far. */
  energyWh: number
  /** Volts × 10, the meter's own resolution. */
  voltageDv: number
  currentMa: number
  powerW: number
  timestampMs: number
  /** Seconds charged so far, by the pile's clock (what a per-minute tariff bills). */
  chargingSeconds: number
  /** Seconds idled since the car was full, by the pile's clock (what an overstay tariff bills). */
  idleSeconds: number
}

export type VoucherMessage = {
  type: 'Voucher'
  energyWh: number
  /** Seconds of charging the voucher pays for (uint32). */
  chargingSeconds: number
  /** Seconds of idling once full the voucher pays for (uint32). */
  idleSeconds: number
  /** Cumulative amount in the token's smallest unit (wei). */
  amount: bigint
  signature: Uint8Array
}

export type StopRequestMessage = { type: 'StopRequest'; reason: StopReason }

/** P→V: relay off; the session's final reading, which the car's final voucher pays for. */
export type ChargingStoppedMessage = {
  type: 'ChargingStopped'
  reason: StopReason
  energyWh: number
  chargingSeconds: number
  idleSeconds: number
}

export type ReceiptMessage = {
  type: 'Receipt'
  /** All zero for a free session. */
  settleTxHash: Uint8Array
  energyWh: number
  amount: bigint
}

/**
 * V→P: the car journaled the receipt; its visit is closed. The pile's last word is acknowledged after the car's
 * journal, not by the link alone: a car that died between the two still gets its receipt when it rejoins.
 */
export type VisitClosedMessage = { type: 'VisitClosed' }

export type Message =
  | AckMessage
  | ErrorMessage
  | HelloMessage
  | AuthMessage
  | AuthResultMessage
  | PaymentOpenedMessage
  | PaymentResultMessage
  | ChargingStartedMessage
  | MeterReadingMessage
  | VoucherMessage
  | StopRequestMessage
  | ChargingStoppedMessage
  | ReceiptMessage
  | VisitClosedMessage

/** What the application sends and receives; acknowledgements belong to the session. */
export type ApplicationMessage = Exclude<Message, AckMessage>
export type ApplicationMessageType = ApplicationMessage['type']
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>
