import { defineJournalSchema } from '@chargechain/agent-core'
import { type Address, type Hex, isAddress, isHex, zeroAddress } from 'viem'
import { z } from 'zod'
import type { AcceptedTerms } from './session.js'
import type { VehicleSnapshot } from './types.js'

const hex = z.custom<Hex>((value) => typeof value === 'string' && isHex(value))
const address = z.custom<Address>((value) => typeof value === 'string' && isAddress(value, { strict: false }))

/** A session of version 1, before sessions had phases: one shape whose fields filled in as the session went on. */
const sessionV1 = z.object({
  pileId: hex,
  kind: z.enum(['free', 'escrow', 'channel']).optional(),
  terms: z.lazy(() => termsV2).optional(),
  escrow: z
    .object({ salt: hex, deposit: z.bigint(), sessionId: hex.optional(), openTx: hex.optional() })
    .optional(),
  channel: z.object({ channelId: hex, base: z.bigint() }).optional(),
  meterStartWh: z.number().optional(),
  voucher: z.object({ energyWh: z.number(), amount: z.bigint(), signature: hex }).optional(),
  stopRequested: z.string().optional(),
  finalWh: z.number().optional(),
  receipt: z.object({ settleTx: hex, energyWh: z.number(), amount: z.bigint() }).optional(),
})

const snapshotV1 = z.object({
  state: z.string(),
  data: z.object({
    session: sessionV1.optional(),
    channels: z.record(z.string(), z.bigint()),
    completed: z.number(),
  }),
  event: z.string().optional(),
})

/** Terms before tariffs (versions 1 and 2): a price per kWh only, and no agent. */
const termsV2 = z.object({
  currency: address,
  pricePerKWh: z.bigint(),
  payee: address,
  escrow: address,
  minDeposit: z.bigint(),
  creditWh: z.number(),
  meterIntervalMs: z.number(),
  confirmations: z.number(),
})

/** Version 1 → 2: the one session shape becomes a session by phase (greeted, offered, opening, free, escrow, channel). */
function sessionByPhase(old: z.output<typeof sessionV1>): object {
  const { pileId, terms, escrow, channel, voucher } = old
  if (!old.kind) return terms ? { kind: 'offered', pileId, terms } : { kind: 'greeted', pileId }
  const { meterStartWh, stopRequested, finalWh, receipt } = old
  const charge = { pileId, meterStartWh, stopRequested, finalWh, receipt }
  if (old.kind === 'free') return { ...charge, kind: 'free' }
  if (!terms) throw new Error(`a ${old.kind} session without its terms`)
  if (old.kind === 'channel') {
    if (!channel) throw new Error('a channel session without its channel')
    return { ...charge, kind: 'channel', terms, channel, voucher }
  }
  if (!escrow) throw new Error('an escrow session without its escrow')
  const { salt, deposit, sessionId, openTx } = escrow
  // Before its transaction was found or sent, an escrow session was only its salt.
  if (!sessionId || !openTx) return { kind: 'opening', pileId, terms, escrow: { salt, deposit } }
  return { ...charge, kind: 'escrow', terms, escrow: { salt, deposit, sessionId, openTx }, voucher }
}

/**
 * Version 2 → 3: accepted terms carry the whole tariff and the pile's agent, as the escrow binds them. Terms from
 * before had energy prices only; the agent was never offered, so it is unknown (no session of that time settles on
 * the contracts that bind terms anyway).
 */
function withTariff(session: Record<string, unknown>): Record<string, unknown> {
  const terms = termsV2.safeParse(session.terms)
  if (!terms.success) return session
  const full: AcceptedTerms = {
    ...terms.data,
    pricePerMinute: 0n,
    idlePerMinute: 0n,
    sessionFee: 0n,
    agent: zeroAddress,
  }
  return { ...session, terms: full }
}

const snapshotV2 = z.object({
  state: z.string(),
  data: z.looseObject({ session: z.record(z.string(), z.unknown()).optional() }),
  event: z.string().optional(),
})

/** The vehicle agent's journal: open it with this schema (`openJournal(path, vehicleJournal)`). */
export const vehicleJournal = defineJournalSchema<VehicleSnapshot>({
  name: 'vehicle',
  version: 3,
  migrations: {
    1: (value) => {
      const { state, data, event } = snapshotV1.parse(value)
      const session = data.session && sessionByPhase(data.session)
      return { state, data: { ...data, session }, ...(event ? { event } : {}) }
    },
    2: (value) => {
      const { state, data, event } = snapshotV2.parse(value)
      const session = data.session && withTariff(data.session)
      return { state, data: { ...data, session }, ...(event ? { event } : {}) }
    },
  },
})
