import { defineJournalSchema } from '@chargechain/agent-core'
import { type Address, type Hex, isAddress, isHex } from 'viem'
import { z } from 'zod'
import type { VehicleSession } from './session.js'
import type { VehicleSnapshot } from './types.js'

const hex = z.custom<Hex>((value) => typeof value === 'string' && isHex(value))
const address = z.custom<Address>((value) => typeof value === 'string' && isAddress(value, { strict: false }))

/** A session of version 1, before sessions had phases: one shape whose fields filled in as the session went on. */
const sessionV1 = z.object({
  pileId: hex,
  kind: z.enum(['free', 'escrow', 'channel']).optional(),
  terms: z
    .object({
      currency: address,
      pricePerKWh: z.bigint(),
      payee: address,
      escrow: address,
      minDeposit: z.bigint(),
      creditWh: z.number(),
      meterIntervalMs: z.number(),
      confirmations: z.number(),
    })
    .optional(),
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

/** Version 1 → 2: the one session shape becomes a session by phase (greeted, offered, opening, free, escrow, channel). */
function sessionByPhase(old: z.output<typeof sessionV1>): VehicleSession {
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

/** The vehicle agent's journal: open it with this schema (`openJournal(path, vehicleJournal)`). */
export const vehicleJournal = defineJournalSchema<VehicleSnapshot>({
  name: 'vehicle',
  version: 2,
  migrations: {
    1: (value) => {
      const { state, data, event } = snapshotV1.parse(value)
      const session = data.session && sessionByPhase(data.session)
      return { state, data: { ...data, session }, ...(event ? { event } : {}) }
    },
  },
})
