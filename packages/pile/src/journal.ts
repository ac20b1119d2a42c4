import { defineJournalSchema } from '@chargechain/agent-core'
import { type Address, type Hex, isAddress, isHex } from 'viem'
import { z } from 'zod'
import type { ChargeSession, Offer, PileSession } from './session.js'
import type { PileSnapshot } from './types.js'

const hex = z.custom<Hex>((value) => typeof value === 'string' && isHex(value))
const address = z.custom<Address>((value) => typeof value === 'string' && isAddress(value, { strict: false }))
const voucher = z.object({ energyWh: z.number(), amount: z.bigint(), signature: hex })

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
  escrow: z
    .object({
      sessionId: hex,
      openTx: hex,
      session: z.object({
        vehicle: address,
        pileId: hex,
        payout: address,
        agent: address,
        currency: address,
        pricePerKWh: z.bigint(),
        deposit: z.bigint(),
        openedAt: z.number(),
        salt: hex,
      }),
    })
    .optional(),
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
function sessionByPhase(old: z.output<typeof sessionV1>): PileSession {
  const { id, nonce, startedAt, vehicle, pricePerKWh, currency, payout } = old
  const offer: Offer | undefined =
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
  const paid: ChargeSession =
    old.kind === 'escrow'
      ? { ...charge, kind: 'escrow', offer, escrow: required(old.escrow, 'escrow'), voucher: old.voucher }
      : { ...charge, kind: 'channel', offer, channel: required(old.channel, 'channel'), voucher: old.voucher }
  return paid
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`a ${name} session without its ${name} details`)
  return value
}

/** The pile agent's journal: open it with this schema (`openJournal(path, pileJournal)`). */
export const pileJournal = defineJournalSchema<PileSnapshot>({
  name: 'pile',
  version: 2,
  migrations: {
    1: (value) => {
      const { state, data, event } = snapshotV1.parse(value)
      const session = data.session && sessionByPhase(data.session)
      return { state, data: { ...data, session }, ...(event ? { event } : {}) }
    },
  },
})
