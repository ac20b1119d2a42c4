import type { Db, Hex, LiveEvent } from '@chargechain/db'
import { sql } from 'drizzle-orm'
import { keccak256, stringToBytes } from 'viem'
import { MissingHistoryError } from '../errors.js'
import type { ChannelFacts, DisputeFacts, PileFacts, SessionFacts } from '../indexing/world.js'
import { column, jsonRows, query, textList } from './sql.js'

/*
 * The rows the chain decides, written from the facts of a batch's subjects: one statement per table and kind of
 * change, whatever the number of rows. Only the chain's columns are written; what operators and the OCPP endpoint
 * keep in the same rows (a pile's metadata, an order's connector and meter, a channel's ledger) is left alone.
 */

const iso = (date: Date | null) => (date === null ? null : date.toISOString())

/**
 * Writes the piles' registry fields and free lists. A registered pile the operator already entered (its DMID's
 * keccak256 is the registry's dmid) gets the chain's fields; any other gets a new row with empty metadata. A pile
 * whose registration a reorg undid keeps its row, without chain fields.
 */
export async function writePiles(
  tx: Db,
  present: readonly PileFacts[],
  absent: readonly Hex[],
): Promise<LiveEvent[]> {
  const live: LiveEvent[] = []
  if (present.length > 0) {
    await claimOperatorPiles(tx, present)
    const rows = present.map((pile) => ({
      chain_pile_id: pile.chainPileId,
      dmid_hash: pile.dmidHash,
      owner: pile.owner,
      generation: pile.generation,
      payout: pile.terms?.payout ?? null,
      agent: pile.terms?.agent ?? null,
      currency: pile.terms?.tariff.currency ?? null,
      price_per_k_wh: pile.terms?.tariff.pricePerKWh ?? null,
      price_per_minute: pile.terms?.tariff.pricePerMinute ?? null,
      idle_per_minute: pile.terms?.tariff.idlePerMinute ?? null,
      session_fee: pile.terms?.tariff.sessionFee ?? null,
      credit_wh: pile.terms?.creditWh ?? null,
      terms_hash: pile.termsHash ?? null,
      chain_block: pile.chainBlock,
    }))
    const written = await query(
      tx,
      sql`
      insert into piles (chain_pile_id, dmid_hash, owner, generation, payout, agent, currency, price_per_k_wh,
        price_per_minute, idle_per_minute, session_fee, credit_wh, terms_hash, chain_block)
      select * from jsonb_to_recordset(${jsonRows(rows)}) as r(chain_pile_id text, dmid_hash text, owner text,
        generation bigint, payout text, agent text, currency text, price_per_k_wh numeric, price_per_minute numeric,
        idle_per_minute numeric, session_fee numeric, credit_wh bigint, terms_hash text, chain_block bigint)
      on conflict (chain_pile_id) do update set dmid_hash = excluded.dmid_hash, owner = excluded.owner,
        generation = excluded.generation, payout = excluded.payout, agent = excluded.agent,
        currency = excluded.currency, price_per_k_wh = excluded.price_per_k_wh,
        price_per_minute = excluded.price_per_minute, idle_per_minute = excluded.idle_per_minute,
        session_fee = excluded.session_fee, credit_wh = excluded.credit_wh, terms_hash = excluded.terms_hash,
        chain_block = excluded.chain_block, updated_at = now()
      returning id, chain_pile_id`,
    )
    const ids = new Map(written.map((row) => [String(row.chain_pile_id) as Hex, Number(row.id)]))
    const free = present.flatMap((pile) =>
      [...pile.free].map(([vehicle, block]) => ({
        pile_id: ids.get(pile.chainPileId),
        vehicle,
        chain_block: block,
      })),
    )
    await tx.execute(sql`delete from pile_free_vehicles where pile_id in
      (select value::integer from jsonb_array_elements_text(${JSON.stringify([...ids.values()])}::jsonb))`)
    if (free.length > 0)
      await tx.execute(sql`insert into pile_free_vehicles (pile_id, vehicle, chain_block)
        select * from jsonb_to_recordset(${jsonRows(free)}) as r(pile_id integer, vehicle text, chain_block bigint)`)
    for (const id of ids.values()) live.push({ type: 'pile', pileId: id })
  }
  if (absent.length > 0) {
    const cleared = await query(
      tx,
      sql`
      update piles set chain_pile_id = null, dmid_hash = null, owner = null, generation = null, payout = null,
        agent = null, currency = null, price_per_k_wh = null, price_per_minute = null, idle_per_minute = null,
        session_fee = null, credit_wh = null, terms_hash = null, chain_block = null, updated_at = now()
      where chain_pile_id in ${textList(absent)}
      returning id`,
    )
    const ids = cleared.map((row) => Number(row.id))
    await tx.execute(sql`delete from pile_free_vehicles where pile_id in
      (select value::integer from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`)
    for (const id of ids) live.push({ type: 'pile', pileId: id })
  }
  return live
}

/** Gives the registry's pile id to rows the operator entered with the same DMID and no chain id yet. */
async function claimOperatorPiles(tx: Db, piles: readonly PileFacts[]): Promise<void> {
  const known = await query(
    tx,
    sql`select chain_pile_id from piles where chain_pile_id in ${textList(piles.map((pile) => pile.chainPileId))}`,
  )
  const knownIds = new Set(known.map((row) => String(row.chain_pile_id)))
  const unknown = piles.filter((pile) => !knownIds.has(pile.chainPileId))
  if (unknown.length === 0) return
  const candidates = await query(
    tx,
    sql`select id, dmid, dmid_hash from piles where chain_pile_id is null
        and (dmid is not null or dmid_hash is not null) order by id`,
  )
  const claims: { id: number; chain_pile_id: Hex }[] = []
  const taken = new Set<number>()
  for (const pile of unknown) {
    const match = candidates.find((row) => {
      const id = Number(row.id)
      if (taken.has(id)) return false
      const dmid = typeof row.dmid === 'string' ? row.dmid : undefined
      return (
        row.dmid_hash === pile.dmidHash ||
        (dmid !== undefined && keccak256(stringToBytes(dmid)) === pile.dmidHash)
      )
    })
    if (!match) continue
    taken.add(Number(match.id))
    claims.push({ id: Number(match.id), chain_pile_id: pile.chainPileId })
  }
  if (claims.length > 0)
    await tx.execute(sql`update piles set chain_pile_id = c.chain_pile_id
      from jsonb_to_recordset(${jsonRows(claims)}) as c(id integer, chain_pile_id text) where piles.id = c.id`)
}

/**
 * Writes escrow sessions as orders (matched by session id, so an order the OCPP endpoint made first is completed),
 * and deletes the orders of sessions a reorg undid. A pile's `charging` order stays `charging` while the chain
 * still has it open.
 */
export async function writeSessions(
  tx: Db,
  present: readonly SessionFacts[],
  absent: readonly Hex[],
): Promise<LiveEvent[]> {
  const live: LiveEvent[] = []
  if (present.length > 0) {
    const columns = [
      column('text', present, (session) => session.sessionId),
      column('text', present, (session) => session.chainPileId),
      column('text', present, (session) => session.vehicle),
      column('text', present, (session) => session.operator),
      column('text', present, (session) => session.state),
      column('timestamptz', present, (session) => iso(session.openedAt)),
      column('timestamptz', present, (session) => iso(session.endedAt)),
      column('bigint', present, (session) => session.energyWh),
      column('integer', present, (session) => session.chargingSeconds),
      column('integer', present, (session) => session.idleSeconds),
      column('text', present, (session) => session.currency),
      column('numeric', present, (session) => session.deposit),
      column('numeric', present, (session) => session.amountDue),
      column('numeric', present, (session) => session.amountReceived),
      column('numeric', present, (session) => session.refund),
      column('text', present, (session) => session.termsHash),
      column('text', present, (session) => session.salt),
      column('bigint', present, (session) => session.chainBlock),
    ]
    const written = await query(
      tx,
      sql`
      insert into orders (kind, pile_id, session_id, vehicle, operator, state, opened_at, ended_at, energy_wh,
        charging_seconds, idle_seconds, currency, deposit, amount_due, amount_received, refund, terms_hash, salt,
        chain_block)
      select 'escrow', p.id, r.session_id, r.vehicle, r.operator, r.state::order_state, r.opened_at, r.ended_at,
        r.energy_wh, r.charging_seconds, r.idle_seconds, r.currency, r.deposit, r.amount_due, r.amount_received,
        r.refund, r.terms_hash, r.salt, r.chain_block
      from (select ${sql.join(columns, sql`, `)}) as r(session_id, chain_pile_id, vehicle, operator, state,
        opened_at, ended_at, energy_wh, charging_seconds, idle_seconds, currency, deposit, amount_due,
        amount_received, refund, terms_hash, salt, chain_block)
      join piles p on p.chain_pile_id = r.chain_pile_id
      on conflict (session_id) do update set kind = excluded.kind, pile_id = excluded.pile_id,
        vehicle = excluded.vehicle, operator = excluded.operator,
        state = case when excluded.state = 'open' and orders.state = 'charging' then orders.state
                     else excluded.state end,
        opened_at = excluded.opened_at, ended_at = excluded.ended_at, energy_wh = excluded.energy_wh,
        charging_seconds = excluded.charging_seconds, idle_seconds = excluded.idle_seconds,
        currency = excluded.currency, deposit = excluded.deposit, amount_due = excluded.amount_due,
        amount_received = excluded.amount_received, refund = excluded.refund, terms_hash = excluded.terms_hash,
        salt = excluded.salt, chain_block = excluded.chain_block, updated_at = now()
      returning id, pile_id, state, session_id`,
    )
    if (written.length !== present.length) {
      const missing = present.find((session) => !written.some((row) => row.session_id === session.sessionId))
      throw new MissingHistoryError('pile', missing?.chainPileId ?? '?', 'SessionOpened')
    }
    for (const row of written) live.push(orderEvent(row))
  }
  if (absent.length > 0) {
    const deleted = await query(
      tx,
      sql`delete from orders where kind = 'escrow' and session_id in ${textList(absent)}
          returning id, pile_id, state`,
    )
    for (const row of deleted) live.push(orderEvent(row))
  }
  return live
}

function orderEvent(row: Record<string, unknown>): LiveEvent {
  return {
    type: 'order',
    orderId: Number(row.id),
    pileId: Number(row.pile_id),
    state: String(row.state) as Extract<LiveEvent, { type: 'order' }>['state'],
  }
}

/** Writes disputes (keyed by their session's order) and deletes those a reorg undid. */
export async function writeDisputes(
  tx: Db,
  present: readonly DisputeFacts[],
  absent: readonly Hex[],
): Promise<LiveEvent[]> {
  const live: LiveEvent[] = []
  if (present.length > 0) {
    const rows = present.map((dispute) => ({
      session_id: dispute.sessionId,
      state: dispute.state,
      opened_at: iso(dispute.openedAt),
      deadline: iso(dispute.deadline),
      voucher_energy_wh: dispute.voucherEnergyWh,
      voucher_amount: dispute.voucherAmount,
      claimed_energy_wh: dispute.claimedEnergyWh,
      claimed_amount: dispute.claimedAmount,
      amount_to_pile: dispute.amountToPile,
      amount_to_vehicle: dispute.amountToVehicle,
      closed_at: iso(dispute.closedAt),
      chain_block: dispute.chainBlock,
    }))
    const written = await query(
      tx,
      sql`
      insert into disputes (order_id, state, opened_at, deadline, voucher_energy_wh, voucher_amount,
        claimed_energy_wh, claimed_amount, amount_to_pile, amount_to_vehicle, closed_at, chain_block)
      select o.id, r.state::dispute_state, r.opened_at, r.deadline, r.voucher_energy_wh, r.voucher_amount,
        r.claimed_energy_wh, r.claimed_amount, r.amount_to_pile, r.amount_to_vehicle, r.closed_at, r.chain_block
      from jsonb_to_recordset(${jsonRows(rows)}) as r(session_id text, state text, opened_at timestamptz,
        deadline timestamptz, voucher_energy_wh bigint, voucher_amount numeric, claimed_energy_wh bigint,
        claimed_amount numeric, amount_to_pile numeric, amount_to_vehicle numeric, closed_at timestamptz,
        chain_block bigint)
      join orders o on o.session_id = r.session_id
      on conflict (order_id) do update set state = excluded.state, opened_at = excluded.opened_at,
        deadline = excluded.deadline, voucher_energy_wh = excluded.voucher_energy_wh,
        voucher_amount = excluded.voucher_amount, claimed_energy_wh = excluded.claimed_energy_wh,
        claimed_amount = excluded.claimed_amount, amount_to_pile = excluded.amount_to_pile,
        amount_to_vehicle = excluded.amount_to_vehicle, closed_at = excluded.closed_at,
        chain_block = excluded.chain_block
      returning order_id`,
    )
    for (const row of written) live.push({ type: 'dispute', orderId: Number(row.order_id) })
  }
  if (absent.length > 0) {
    const deleted = await query(
      tx,
      sql`delete from disputes using orders where orders.id = disputes.order_id
          and orders.session_id in ${textList(absent)} returning order_id`,
    )
    for (const row of deleted) live.push({ type: 'dispute', orderId: Number(row.order_id) })
  }
  return live
}

/** Writes channels' chain columns (the operator's ledger columns stay) and deletes those a reorg undid. */
export async function writeChannels(
  tx: Db,
  present: readonly ChannelFacts[],
  absent: readonly Hex[],
): Promise<void> {
  if (present.length > 0) {
    const rows = present.map((channel) => ({
      channel_id: channel.channelId,
      vehicle: channel.vehicle,
      operator: channel.operator,
      currency: channel.currency,
      deposit: channel.deposit,
      settled: channel.settled,
      state: channel.state,
      closes_at: iso(channel.closesAt),
      refund: channel.refund,
      opened_at: iso(channel.openedAt),
      chain_block: channel.chainBlock,
    }))
    await tx.execute(sql`
      insert into channels (channel_id, vehicle, operator, currency, deposit, settled, state, closes_at, refund,
        opened_at, chain_block)
      select r.channel_id, r.vehicle, r.operator, r.currency, r.deposit, r.settled, r.state::channel_state,
        r.closes_at, r.refund, r.opened_at, r.chain_block
      from jsonb_to_recordset(${jsonRows(rows)}) as r(channel_id text, vehicle text, operator text, currency text,
        deposit numeric, settled numeric, state text, closes_at timestamptz, refund numeric, opened_at timestamptz,
        chain_block bigint)
      on conflict (channel_id) do update set vehicle = excluded.vehicle, operator = excluded.operator,
        currency = excluded.currency, deposit = excluded.deposit, settled = excluded.settled,
        state = excluded.state, closes_at = excluded.closes_at, refund = excluded.refund,
        opened_at = excluded.opened_at, chain_block = excluded.chain_block`)
  }
  if (absent.length > 0) await tx.execute(sql`delete from channels where channel_id in ${textList(absent)}`)
}
