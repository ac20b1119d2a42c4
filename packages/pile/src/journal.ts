import { defineJournalSchema } from '@chargechain/agent-core'
import type { Terms } from '@chargechain/chain'
import { type Address, type Hex, isAddress, isHex, zeroAddress } from 'viem'
import { z } from 'zod'
import type { EscrowRecord } from './session.js'
import type { PileSnapshot } from './types.js'

const hex = z.custom<Hex>((value) => typeof value === 'string' && isHex(value))
const address = z.custom<Address>((value) => typeof value === 'string' && isAddress(value, { strict: false }))
const voucher = z.object({ energyWh: z.number(), amount: z.bigint(), signature: hex })

/** Before terms were bound (versions 1 and 2): what the car was offered, and the escrow's session struct. */
const offerV2 = z.object({ pricePerKWh: z.bigint(), currency: address, payout: address })
const escrowSessionV2 = z.object({
  vehicle: address,
  pileId: hex,
  payout: address,
  agent: address,
  currency: address,
  pricePerKWh: z.bigint(),
  deposit: z.bigint(),
  openedAt: z.number(),
  salt: hex,
})
type OfferV2 = z.output<typeof offerV2>

/** A session of version 1, before sessions had phases: one shape whose fields filled in as the session went on. */
const sessionV1 = z.object({
  id: hex,
  nonce: hex,
  startedAt: z.number(),
  vehicle: address.optional(),
  kind: z.enum(['free', 'escrow', 'channel']).optional(),
  pricePerKWh: z.bigint().optional(),
  currency: address.optional(),
  payout: address.optional(),
  escrow: z.object({ sessionId: hex, openTx: hex, session: escrowSessionV2 }).optional(),
  channel: z.object({ channelId: hex, base: z.bigint(), remaining: z.bigint() }).optional(),
  meterStartWh: z.number().optional(),
  nextReadingAt: z.number().optional(),
  energyWh: z.number(),
  voucher: voucher.optional(),
  stopReason: z.string().optional(),
  settleTx: hex.optional(),
  amount: z.bigint().optional(),
})

const snapshotV1 = z.object({
  state: z.string(),
  data: z.object({ session: sessionV1.optional(), completed: z.number() }),
  event: z.string().optional(),
})

/** Version 1 → 2: the one session shape becomes a session by phase (arrived, offered, free, escrow, channel). */
function sessionByPhase(old: z.output<typeof sessionV1>): object {
  const { id, nonce, startedAt, vehicle, pricePerKWh, currency, payout } = old
  const offer: OfferV2 | undefined =
    pricePerKWh !== undefined && currency && payout ? { pricePerKWh, currency, payout } : undefined
  if (!old.kind) {
    if (vehicle && offer) return { kind: 'offered', id, nonce, startedAt, vehicle, offer }
    return { kind: 'arrived', id, nonce, startedAt }
  }
  if (!vehicle) throw new Error(`a ${old.kind} session without its vehicle`)
  const { meterStartWh, nextReadingAt, energyWh, stopReason, settleTx, amount } = old
  const charge = {
    id,
    nonce,
    startedAt,
    vehicle,
    meterStartWh,
    nextReadingAt,
    energyWh,
    stopReason,
    settleTx,
    amount,
  }
  if (old.kind === 'free') return { ...charge, kind: 'free' }
  if (!offer) throw new Error(`a ${old.kind} session without its terms`)
  return old.kind === 'escrow'
    ? { ...charge, kind: 'escrow', offer, escrow: required(old.escrow, 'escrow'), voucher: old.voucher }
    : { ...charge, kind: 'channel', offer, channel: required(old.channel, 'channel'), voucher: old.voucher }
}

/**
 * Version 2 → 3: the offer and an escrow session's struct carry the full terms, as the escrow now binds them, and a
 * voucher its seconds. A session from before had energy prices only, no credit, and the agent its escrow struct names.
 */
function withTerms(session: Record<string, unknown>): Record<string, unknown> {
  const offer = offerV2.safeParse(session.offer)
  const escrow = z.object({ sessionId: hex, openTx: hex, session: escrowSessionV2 }).safeParse(session.escrow)
  const signed = voucher.safeParse(session.voucher)
  const agent = escrow.success ? escrow.data.session.agent : zeroAddress
  return {
    ...session,
    ...(offer.success ? { offer: termsFromV2(offer.data, agent) } : {}),
    ...(escrow.success ? { escrow: { ...escrow.data, session: escrowFromV2(escrow.data.session) } } : {}),
    // Vouchers before tariffs paid for energy alone.
    ...(signed.success ? { voucher: { ...signed.data, chargingSeconds: 0, idleSeconds: 0 } } : {}),
  }
}

function termsFromV2({ pricePerKWh, currency, payout }: OfferV2, agent: Address): Terms {
  return {
    payout,
    agent,
    tariff: { currency, pricePerKWh, pricePerMinute: 0n, idlePerMinute: 0n, sessionFee: 0n },
    creditWh: 0,
  }
}

function escrowFromV2(old: z.output<typeof escrowSessionV2>): EscrowRecord {
  const { vehicle, pileId, agent, deposit, openedAt, salt } = old
  return { vehicle, pileId, terms: termsFromV2(old, agent), deposit, openedAt, salt }
}

const snapshotV2 = z.object({
  state: z.string(),
  data: z.looseObject({ session: z.record(z.string(), z.unknown()).optional() }),
  event: z.string().optional(),
})

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`a ${name} session without its ${name} details`)
  return value
}

/** The pile agent's journal: open it with this schema (`openJournal(path, pileJournal)`). */
export const pileJournal = defineJournalSchema<PileSnapshot>({
  name: 'pile',
  version: 3,
  migrations: {
    1: (value) => {
      const { state, data, event } = snapshotV1.parse(value)
      const session = data.session && sessionByPhase(data.session)
      return { state, data: { ...data, session }, ...(event ? { event } : {}) }
    },
    2: (value) => {
      const { state, data, event } = snapshotV2.parse(value)
      const session = data.session && withTerms(data.session)
      return { state, data: { ...data, session }, ...(event ? { event } : {}) }
    },
  },
})
