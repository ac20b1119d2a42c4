import { sessionEscrowAbi } from '@chargechain/contracts'
import {
  chainEvents,
  channels,
  type Db,
  disputes,
  indexerCursors,
  operatorDailyTotals,
  orders,
  pileDailyTotals,
  pileFreeVehicles,
  piles,
} from '@chargechain/db'
import { asc, eq, isNotNull } from 'drizzle-orm'
import { expect } from 'vitest'
import type { Chain } from './fixture.js'

/**
 * Everything the indexer writes, in a form two databases can be compared by: rows keyed by their chain ids
 * (generated row ids differ between databases), in a fixed order, without update times.
 */
export async function indexedTables(db: Db) {
  const pileRows = await db
    .select()
    .from(piles)
    .where(isNotNull(piles.chainPileId))
    .orderBy(asc(piles.chainPileId))
  const chainPileId = new Map(pileRows.map((pile) => [pile.id, pile.chainPileId]))
  const free = await db
    .select({
      chainPileId: piles.chainPileId,
      vehicle: pileFreeVehicles.vehicle,
      chainBlock: pileFreeVehicles.chainBlock,
    })
    .from(pileFreeVehicles)
    .innerJoin(piles, eq(piles.id, pileFreeVehicles.pileId))
    .orderBy(asc(piles.chainPileId), asc(pileFreeVehicles.vehicle))
  const orderRows = await db.select().from(orders).orderBy(asc(orders.sessionId))
  const disputeRows = await db
    .select({ dispute: disputes, sessionId: orders.sessionId })
    .from(disputes)
    .innerJoin(orders, eq(orders.id, disputes.orderId))
    .orderBy(asc(orders.sessionId))
  const pileTotals = await db.select().from(pileDailyTotals)
  return {
    piles: pileRows.map(({ id, createdAt, updatedAt, ...rest }) => rest),
    free,
    orders: orderRows.map(({ id, pileId, updatedAt, ...rest }) => ({
      ...rest,
      pile: chainPileId.get(pileId),
    })),
    disputes: disputeRows.map(({ dispute: { orderId, ...rest }, sessionId }) => ({ ...rest, sessionId })),
    channels: await db.select().from(channels).orderBy(asc(channels.channelId)),
    chainEvents: await db
      .select()
      .from(chainEvents)
      .orderBy(asc(chainEvents.blockNumber), asc(chainEvents.logIndex)),
    pileTotals: pileTotals
      .map(({ pileId, ...rest }) => ({ ...rest, pile: chainPileId.get(pileId) }))
      .sort((a, b) => `${a.pile}${a.day}${a.currency}`.localeCompare(`${b.pile}${b.day}${b.currency}`)),
    operatorTotals: await db
      .select()
      .from(operatorDailyTotals)
      .orderBy(
        asc(operatorDailyTotals.operator),
        asc(operatorDailyTotals.day),
        asc(operatorDailyTotals.currency),
      ),
    cursor: await db
      .select({ blockNumber: indexerCursors.blockNumber, blockHash: indexerCursors.blockHash })
      .from(indexerCursors),
  }
}

/**
 * Checks the rows against the contracts' own state: every pile's owner, generation and terms, every order's
 * status (open on chain ⇔ open row), every dispute still held, every channel's deposit, settled amount and status.
 */
export async function expectMatchesContracts(c: Chain, db: Db) {
  const tables = await indexedTables(db)
  for (const pile of tables.piles) {
    if (!pile.chainPileId) continue
    const onChain = await c.arbiter.getPile({ pileId: pile.chainPileId })
    expect({
      owner: pile.owner,
      generation: pile.generation,
      termsHash: pile.termsHash,
      payout: pile.payout,
      agent: pile.agent,
      currency: pile.currency,
      pricePerKWh: pile.pricePerKWh,
      creditWh: pile.creditWh,
    }).toEqual({
      owner: onChain.owner.toLowerCase(),
      generation: Number(onChain.generation),
      termsHash: onChain.termsHash,
      payout: onChain.terms.payout.toLowerCase(),
      agent: onChain.terms.agent.toLowerCase(),
      currency: onChain.terms.tariff.currency.toLowerCase(),
      pricePerKWh: onChain.terms.tariff.pricePerKWh,
      creditWh: onChain.terms.creditWh,
    })
  }
  for (const order of tables.orders) {
    if (!order.sessionId) continue
    const [status] = await c.arbiter.readContract({
      address: c.deployment.contracts.sessionEscrow,
      abi: sessionEscrowAbi,
      functionName: 'getSessionStatus',
      args: [order.sessionId],
    })
    expect({ session: order.sessionId, open: order.state === 'open' }).toEqual({
      session: order.sessionId,
      open: status !== 0,
    })
    const held = await c.arbiter.readContract({
      address: c.deployment.contracts.sessionEscrow,
      abi: sessionEscrowAbi,
      functionName: 'getDispute',
      args: [order.sessionId],
    })
    const dispute = tables.disputes.find((row) => row.sessionId === order.sessionId)
    expect({
      session: order.sessionId,
      held: dispute?.state === 'open' ? dispute.claimedAmount : 0n,
    }).toEqual({
      session: order.sessionId,
      held: held.held,
    })
  }
  for (const channel of tables.channels) {
    const onChain = await c.arbiter.getChannel({ channelId: channel.channelId })
    expect({
      deposit: channel.state === 'closed' ? 0n : channel.deposit,
      settled: channel.state === 'closed' ? 0n : channel.settled,
      state: channel.state,
    }).toEqual({
      deposit: onChain.deposit,
      settled: onChain.settled,
      state: onChain.status,
    })
  }
}
