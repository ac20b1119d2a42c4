import type { Terms } from '@chargechain/chain'
import type { Address, Hash, Hex } from 'viem'

/** How the car pays for a charge: not at all (the pile's owner or free list), by escrow, or by channel. */
export type PaymentKind = 'free' | 'escrow' | 'channel'

/** The pile's terms as the car accepted them: the escrow session binds exactly these (see `boundTerms`). */
export interface AcceptedTerms {
  currency: Address
  pricePerKWh: bigint
  /** Per minute of charging, pro rata per second. */
  pricePerMinute: bigint
  /** Per minute of idling once full, pro rata per second. */
  idlePerMinute: bigint
  sessionFee: bigint
  payee: Address
  /** The pile's key that settles. */
  agent: Address
  escrow: Address
  minDeposit: bigint
  creditWh: number
  meterIntervalMs: number
  confirmations: number
}

/** The latest voucher the car signed for the session: never signed lower again, even after a restart. */
export interface VehicleVoucher {
  energyWh: number
  /** Seconds of charging and of idling once full it pays for; absent in vouchers journaled before time was billed. */
  chargingSeconds?: number
  idleSeconds?: number
  /** Escrow: the session's cumulative amount; channel: the channel's cumulative amount. */
  amount: bigint
  signature: Hex
}

/** The car answered a pile's Hello; the pile has not said yet whether it charges free or asks to be paid. */
export interface GreetedSession {
  kind: 'greeted'
  pileId: Hex
}

/** The pile asked to be paid on these terms; the car has not chosen how. */
export interface OfferedSession {
  kind: 'offered'
  pileId: Hex
  terms: AcceptedTerms
}

/** The car chose an escrow session and journaled its salt; the transaction may or may not have gone out. */
export interface OpeningSession {
  kind: 'opening'
  pileId: Hex
  terms: AcceptedTerms
  escrow: { salt: Hex; deposit: bigint }
  /** See `Charge.meterStartWh`. */
  meterStartWh?: number
}

/** What the car journals of a charge, whatever pays for it. */
interface Charge {
  pileId: Hex
  /**
   * The car's meter before any energy could flow: read as the car chose how to pay (the pile closes its relay only
   * after it accepted the payment), or for a free charge on ChargingStarted. Read on ChargingStarted, a paid count
   * would miss what flowed while that message was on its way, and a slow car would dispute an honest reading.
   */
  meterStartWh?: number
  /** When the pile said charging started (car's clock): the car's own count of charging seconds starts here. */
  chargingSince?: number
  /** When the car, full, asked the pile to stop (car's clock): from here the pile may bill idling. */
  fullSince?: number
  /** The seconds of the pile's final reading. */
  finalSeconds?: { chargingSeconds: number; idleSeconds: number }
  /** Set when the car stopped the charge itself (meter mismatch). */
  stopRequested?: string
  /** The pile's final reading. */
  finalWh?: number
  receipt?: { settleTx: Hash; energyWh: number; amount: bigint }
}

export interface FreeSession extends Charge {
  kind: 'free'
}

export interface EscrowSession extends Charge {
  kind: 'escrow'
  terms: AcceptedTerms
  escrow: { salt: Hex; deposit: bigint; sessionId: Hex; openTx: Hash }
  voucher?: VehicleVoucher
}

export interface ChannelSession extends Charge {
  kind: 'channel'
  terms: AcceptedTerms
  channel: { channelId: Hex; base: bigint }
  voucher?: VehicleVoucher
}

/** A session the car pays for. */
export type PaidSession = EscrowSession | ChannelSession

/** A session from the moment it may charge: free, or paid. */
export type ChargeSession = FreeSession | PaidSession

/** What the car journals about the session in progress, by phase. */
export type VehicleSession = GreetedSession | OfferedSession | OpeningSession | ChargeSession

/** The phase of session each state holds. */
interface SessionInState {
  authenticating: GreetedSession
  paying: OfferedSession
  opening: OpeningSession
  presenting: PaidSession
  charging: ChargeSession
  reconnecting: ChargeSession
  stopped: ChargeSession
  finishing: ChargeSession
  settlement: ChargeSession
}

const charge: readonly ChargeSession['kind'][] = ['free', 'escrow', 'channel']
const kindsInState: { [S in keyof SessionInState]: readonly SessionInState[S]['kind'][] } = {
  authenticating: ['greeted'],
  paying: ['offered'],
  opening: ['opening'],
  presenting: ['escrow', 'channel'],
  charging: charge,
  reconnecting: charge,
  stopped: charge,
  finishing: charge,
  settlement: charge,
}

/**
 * The session `state` holds. The machine only enters a state with the session of its phase, so a journal without it
 * is a bug, not a crash to survive.
 */
export function sessionOf<S extends keyof SessionInState>(
  data: { session?: VehicleSession },
  state: S,
): SessionInState[S] {
  const { session } = data
  const kinds: readonly VehicleSession['kind'][] = kindsInState[state]
  const holds = (candidate: VehicleSession | undefined): candidate is SessionInState[S] =>
    candidate !== undefined && kinds.includes(candidate.kind)
  if (!holds(session))
    throw new Error(
      `vehicle state ${state} entered with ${session ? `a ${session.kind} session` : 'no session'}`,
    )
  return session
}

/** The latest voucher the car signed for the session; a free session has none. */
export function voucherOf(session: ChargeSession): VehicleVoucher | undefined {
  return session.kind === 'free' ? undefined : session.voucher
}

/** The registry `Terms` the car's accepted terms stand for: what it checks on chain and binds when it opens. */
export function boundTerms(terms: AcceptedTerms): Terms {
  const { currency, pricePerKWh, pricePerMinute, idlePerMinute, sessionFee } = terms
  return {
    payout: terms.payee,
    agent: terms.agent,
    tariff: { currency, pricePerKWh, pricePerMinute, idlePerMinute, sessionFee },
    creditWh: terms.creditWh,
  }
}
