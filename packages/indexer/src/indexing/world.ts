import type { Hex } from '@chargechain/db'
import { MissingHistoryError } from '../errors.js'
import type { StoredEvent, StoredTerms } from '../events.js'

/*
 * What the chain says about each pile, session, dispute and channel, rebuilt by replaying its events in chain order.
 * The same replay serves new blocks (the subject's stored events, then the new ones) and reorgs (the events that
 * remain, then the new branch's), so a row is always the fold of its events and nothing else.
 */

export interface PileFacts {
  chainPileId: Hex
  dmidHash: Hex
  owner: Hex
  generation: number
  terms: StoredTerms | undefined
  termsHash: Hex | undefined
  chainBlock: number
  /** The current generation's free vehicles, each with the block that set it. */
  free: Map<Hex, number>
}

export type SessionState = 'open' | 'settled' | 'refunded' | 'disputed' | 'resolved'

export interface SessionFacts {
  sessionId: Hex
  chainPileId: Hex
  vehicle: Hex
  /** The pile's owner when the session opened: whose totals it counts in. */
  operator: Hex
  termsHash: Hex
  currency: Hex
  deposit: bigint
  openedAt: Date
  salt: Hex
  state: SessionState
  endedAt: Date | null
  energyWh: number
  chargingSeconds: number
  idleSeconds: number
  amountDue: bigint | null
  amountReceived: bigint | null
  refund: bigint | null
  chainBlock: number
}

export interface DisputeFacts {
  sessionId: Hex
  state: 'open' | 'decided' | 'expired'
  openedAt: Date
  deadline: Date
  voucherEnergyWh: number
  voucherAmount: bigint | null
  claimedEnergyWh: number
  claimedAmount: bigint
  amountToPile: bigint | null
  amountToVehicle: bigint | null
  closedAt: Date | null
  chainBlock: number
}

export interface ChannelFacts {
  channelId: Hex
  vehicle: Hex
  operator: Hex
  currency: Hex
  deposit: bigint
  settled: bigint
  state: 'open' | 'closing' | 'closed'
  closesAt: Date | null
  refund: bigint | null
  openedAt: Date
  chainBlock: number
}

const seconds = (value: number | string) => new Date(Number(value) * 1000)

/** The facts of every subject replayed so far; `apply` takes events in chain order. */
export class World {
  readonly piles = new Map<Hex, PileFacts>()
  readonly sessions = new Map<Hex, SessionFacts>()
  readonly disputes = new Map<Hex, DisputeFacts>()
  readonly channels = new Map<Hex, ChannelFacts>()
  /** A terms hash names one set of terms forever, whichever pile announced it. */
  readonly terms = new Map<Hex, StoredTerms>()

  apply(event: StoredEvent): void {
    if (event.contract === 'pileRegistry') this.applyRegistry(event)
    else if (event.contract === 'sessionEscrow') this.applyEscrow(event)
    else this.applyChannels(event)
  }

  private applyRegistry(event: Extract<StoredEvent, { contract: 'pileRegistry' }>): void {
    const block = event.blockNumber
    if (event.eventName === 'PileRegistered') {
      this.piles.set(event.subject, {
        chainPileId: event.subject,
        dmidHash: event.args.dmid,
        owner: event.args.owner,
        generation: 0,
        terms: undefined,
        termsHash: undefined,
        chainBlock: block,
        free: new Map(),
      })
      return
    }
    const pile = this.piles.get(event.subject)
    if (!pile) throw new MissingHistoryError('pile', event.subject, event.eventName)
    pile.chainBlock = block
    switch (event.eventName) {
      case 'PileTermsChanged':
        pile.terms = event.args.terms
        pile.termsHash = event.args.termsHash
        this.terms.set(event.args.termsHash, event.args.terms)
        return
      case 'PileTransferred':
        pile.owner = event.args.newOwner
        pile.generation = Number(event.args.generation)
        // The free list belongs to a generation: the new owner's starts empty.
        pile.free.clear()
        return
      case 'FreeVehicleSet':
        if (event.args.free) pile.free.set(event.args.vehicle, block)
        else pile.free.delete(event.args.vehicle)
        return
    }
  }

  private applyEscrow(event: Extract<StoredEvent, { contract: 'sessionEscrow' }>): void {
    if (event.eventName === 'SessionOpened') {
      const { pileId, vehicle, termsHash, deposit, openedAt, salt } = event.args
      const pile = this.piles.get(pileId)
      if (!pile) throw new MissingHistoryError('pile', pileId, event.eventName)
      const terms = this.terms.get(termsHash)
      if (!terms) throw new MissingHistoryError('terms', termsHash, event.eventName)
      this.sessions.set(event.subject, {
        sessionId: event.subject,
        chainPileId: pileId,
        vehicle,
        operator: pile.owner,
        termsHash,
        currency: terms.tariff.currency,
        deposit: BigInt(deposit),
        openedAt: seconds(openedAt),
        salt,
        state: 'open',
        endedAt: null,
        energyWh: 0,
        chargingSeconds: 0,
        idleSeconds: 0,
        amountDue: null,
        amountReceived: null,
        refund: null,
        chainBlock: event.blockNumber,
      })
      return
    }
    const session = this.sessions.get(event.subject)
    if (!session) throw new MissingHistoryError('session', event.subject, event.eventName)
    session.chainBlock = event.blockNumber
    switch (event.eventName) {
      case 'SessionSettled': {
        const { energyWh, chargingSeconds, idleSeconds, amount, refund } = event.args
        Object.assign(session, {
          state: 'settled',
          endedAt: event.blockTime,
          energyWh: Number(energyWh),
          chargingSeconds,
          idleSeconds,
          amountDue: BigInt(amount),
          amountReceived: BigInt(amount),
          refund: BigInt(refund),
        })
        return
      }
      case 'SessionRefunded':
        Object.assign(session, {
          state: 'refunded',
          endedAt: event.blockTime,
          amountDue: null,
          amountReceived: 0n,
          refund: BigInt(event.args.amount),
        })
        return
      case 'DisputeOpened': {
        const { energyWh, claimedEnergyWh, claimedAmount, deadline } = event.args
        session.state = 'disputed'
        this.disputes.set(event.subject, {
          sessionId: event.subject,
          state: 'open',
          openedAt: event.blockTime,
          deadline: seconds(deadline),
          voucherEnergyWh: Number(energyWh),
          voucherAmount: session.amountDue,
          claimedEnergyWh: Number(claimedEnergyWh),
          claimedAmount: BigInt(claimedAmount),
          amountToPile: null,
          amountToVehicle: null,
          closedAt: null,
          chainBlock: event.blockNumber,
        })
        return
      }
      case 'DisputeDecided':
      case 'DisputeExpired': {
        const dispute = this.disputes.get(event.subject)
        if (!dispute) throw new MissingHistoryError('dispute', event.subject, event.eventName)
        const toPile = event.eventName === 'DisputeDecided' ? BigInt(event.args.amountToPile) : 0n
        const toVehicle = BigInt(event.args.amountToVehicle)
        Object.assign(dispute, {
          state: event.eventName === 'DisputeDecided' ? 'decided' : 'expired',
          amountToPile: toPile,
          amountToVehicle: toVehicle,
          closedAt: event.blockTime,
          chainBlock: event.blockNumber,
        })
        session.state = 'resolved'
        session.amountDue = (session.amountDue ?? 0n) + toPile
        session.amountReceived = (session.amountReceived ?? 0n) + toPile
        session.refund = (session.refund ?? 0n) + toVehicle
        return
      }
      // Transactions of the order (listed with it) that change none of its figures.
      case 'SettlementSkipped':
      case 'SessionAgentChanged':
      case 'RefundRequested':
      case 'DepositFromBalance':
        return
    }
  }

  private applyChannels(event: Extract<StoredEvent, { contract: 'paymentChannels' }>): void {
    if (event.eventName === 'ChannelOpened') {
      const { vehicle, operator, currency, deposit } = event.args
      this.channels.set(event.subject, {
        channelId: event.subject,
        vehicle,
        operator,
        currency,
        deposit: BigInt(deposit),
        settled: 0n,
        state: 'open',
        closesAt: null,
        refund: null,
        openedAt: event.blockTime,
        chainBlock: event.blockNumber,
      })
      return
    }
    const channel = this.channels.get(event.subject)
    if (!channel) throw new MissingHistoryError('channel', event.subject, event.eventName)
    channel.chainBlock = event.blockNumber
    switch (event.eventName) {
      case 'ChannelToppedUp':
        channel.deposit = BigInt(event.args.deposit)
        return
      case 'ChannelSettled':
        channel.settled = BigInt(event.args.cumulativeAmount)
        return
      case 'ChannelCloseRequested':
        channel.state = 'closing'
        channel.closesAt = seconds(event.args.closesAt)
        return
      case 'ChannelClosed':
        channel.state = 'closed'
        channel.settled = BigInt(event.args.settled)
        channel.refund = BigInt(event.args.refund)
        return
    }
  }
}
