import type { Session, Terms } from '@chargechain/chain'
import type { Address, Hash, Hex } from 'viem'

/** How a car pays for its charge: not at all (the owner's cars and the free list), by escrow, or by channel. */
export type SessionKind = 'free' | 'escrow' | 'channel'

/** The latest voucher the car signed, as the pile verified it. */
export interface PileVoucher {
  energyWh: number
  /** Seconds of charging and of idling the voucher pays for: the escrow needs them back to check the signature. */
  chargingSeconds: number
  idleSeconds: number
  /** Escrow: the session's cumulative amount; channel: the channel's cumulative amount. */
  amount: bigint
  /** 65-byte signature. */
  signature: Hex
}

interface SessionStart {
  /** Local id (16 bytes hex): the free session id on the link, the key in logs and the ledger. */
  id: Hex
  /** The fresh challenge sent in Hello; never reused. */
  nonce: Hex
  startedAt: number
}

/** A car is at the pile; it has not proved who it is. */
export interface ArrivedSession extends SessionStart {
  kind: 'arrived'
}

/** The registry's terms when the car was offered them (payout, agent, tariff, credit); the payment must bind them. */
export type Offer = Terms

/** The car proved who it is and was offered the terms; it has not paid. */
export interface OfferedSession extends SessionStart {
  kind: 'offered'
  vehicle: Address
  offer: Offer
}

/** What the pile journals of a charge, whatever pays for it. */
interface Charge extends SessionStart {
  vehicle: Address
  /** The meter register when the relay went on. */
  meterStartWh?: number
  /** When the next meter reading is due (agent's clock); journaled so a voucher taken mid-interval keeps the beat. */
  nextReadingAt?: number
  /** Energy delivered so far, from the pile's meter. */
  energyWh: number
  /** When the relay went on (agent's clock): per-minute charging is billed from here. */
  chargingSince?: number
  /** When the car, full, stopped charging and began to idle at the pile (agent's clock): overstay from here. */
  idleSince?: number
  /** When the charge (or the idling) ended (agent's clock): the final reading's seconds end here. */
  endedAt?: number
  /** The operator's limit: charging stops at the first reading at or above this energy, Wh. */
  stopAtWh?: number
  stopReason?: string
  settleTx?: Hash
  /** Set once the session's result is final (settled, recorded or logged). */
  amount?: bigint
}

export interface FreeSession extends Charge {
  kind: 'free'
}

/** The escrow session struct as the escrow hashes it (needed to settle), with the terms it bound. */
export type EscrowRecord = Session

export interface EscrowSession extends Charge {
  kind: 'escrow'
  offer: Offer
  escrow: { sessionId: Hex; openTx: Hash; session: EscrowRecord }
  voucher?: PileVoucher
}

export interface ChannelSession extends Charge {
  kind: 'channel'
  offer: Offer
  channel: {
    channelId: Hex
    /** The ledger's cumulative amount when the session began; this session's amount is the voucher minus it. */
    base: bigint
    /** Deposit minus what was settled, when checked. */
    remaining: bigint
  }
  voucher?: PileVoucher
}

/** A session the car pays for. */
export type PaidSession = EscrowSession | ChannelSession

/** A session from the moment it may charge: free, or paid and verified on chain. */
export type ChargeSession = FreeSession | PaidSession

/** What the pile journals about the session in progress, by phase (bigints survive the journal). */
export type PileSession = ArrivedSession | OfferedSession | ChargeSession

const chargeKinds: readonly PileSession['kind'][] = ['free', 'escrow', 'channel'] satisfies SessionKind[]

/** Whether a session has reached its charge: free, or paid and verified. */
export function isChargeSession(session: PileSession | undefined): session is ChargeSession {
  return session !== undefined && chargeKinds.includes(session.kind)
}

/** The phase of session each state holds. */
interface SessionInState {
  connecting: ArrivedSession
  authenticating: ArrivedSession
  awaitingPayment: OfferedSession
  starting: ChargeSession
  charging: ChargeSession
  stopping: ChargeSession
  settling: ChargeSession
  receipt: ChargeSession
}

const kindsInState: { [S in keyof SessionInState]: readonly SessionInState[S]['kind'][] } = {
  connecting: ['arrived'],
  authenticating: ['arrived'],
  awaitingPayment: ['offered'],
  starting: ['free', 'escrow', 'channel'],
  charging: ['free', 'escrow', 'channel'],
  stopping: ['free', 'escrow', 'channel'],
  settling: ['free', 'escrow', 'channel'],
  receipt: ['free', 'escrow', 'channel'],
}

/**
 * The session `state` holds. The machine only enters a state with the session of its phase, so a journal without it
 * is a bug, not a crash to survive.
 */
export function sessionOf<S extends keyof SessionInState>(
  data: { session?: PileSession },
  state: S,
): SessionInState[S] {
  const { session } = data
  const kinds: readonly PileSession['kind'][] = kindsInState[state]
  const holds = (candidate: PileSession | undefined): candidate is SessionInState[S] =>
    candidate !== undefined && kinds.includes(candidate.kind)
  if (!holds(session))
    throw new Error(
      `pile state ${state} entered with ${session ? `a ${session.kind} session` : 'no session'}`,
    )
  return session
}

/** Seconds of charging and of idling the session has lasted by the pile's clock, as readings and vouchers count them. */
export function elapsedSeconds(
  session: Pick<ChargeSession, 'chargingSince' | 'idleSince' | 'endedAt'>,
  now: number,
): { chargingSeconds: number; idleSeconds: number } {
  const end = session.endedAt ?? now
  const seconds = (from: number | undefined, to: number) =>
    from === undefined ? 0 : Math.max(0, Math.floor((to - from) / 1000))
  return {
    chargingSeconds: seconds(session.chargingSince, session.idleSince ?? end),
    idleSeconds: seconds(session.idleSince, end),
  }
}
