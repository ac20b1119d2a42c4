// The indexer against a real anvil, on every test engine: every kind of event lands in its rows as the contracts
// hold them; one block per batch gives exactly the rows one batch for everything gives (the replay of stored events
// is the same fold as the first application — break: drop the stored events from `replay` in applyBatch and the
// comparison fails, as later events then meet no session); rows above the finalised block are pending.
import type { Database } from '@chargechain/db'
import { getOrder, listDisputes } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  address,
  type Chain,
  channelVoucher,
  claim,
  indexerFor,
  open,
  type Piles,
  registerPiles,
  settle,
  startChain,
  windows,
} from '../test/fixture.js'
import { expectMatchesContracts, indexedTables } from '../test/tables.js'

/** Every event the indexer follows, at least once. */
async function playEverything(c: Chain, piles: Piles) {
  const settled = await open(c.vehicle, piles.native)
  const token = await open(c.vehicle2, piles.token, parseEther('5'))
  const refunded = await open(c.vehicle, piles.native)
  const decided = await open(c.vehicle2, piles.native)
  const expired = await open(c.vehicle, piles.token, parseEther('5'))
  await open(c.vehicle2, piles.native)
  await c.passTime(1)
  await settle(c, settled, 12_345n)
  await settle(c, token, 7_000n)
  await c.vehicle.requestRefund({ session: refunded.session })
  await claim(c, decided, 3_000n)
  await claim(c, expired, 2_000n)
  await c.arbiter.decideDispute({ sessionId: decided.sessionId, amountToPile: 1_000n })
  await c.passTime(windows.disputeWindow + windows.settleWindow + 1)
  await c.vehicle.refund({ session: refunded.session })
  await c.arbiter.expireDispute({ sessionId: expired.sessionId })

  const { channelId } = await c.vehicle.openChannel({ operator: address(c.payout), deposit: parseEther('1') })
  await c.vehicle.topUp({ channelId, amount: parseEther('0.5') })
  const amount = parseEther('0.2')
  await c.payout.settleChannel({
    channelId,
    cumulativeAmount: amount,
    signature: await channelVoucher(c, c.vehicle, channelId, amount),
  })
  await c.vehicle.requestClose({ channelId })
  await c.passTime(windows.challengePeriod + 1)
  await c.vehicle.closeChannel({ channelId })
  await c.vehicle2.openChannel({ operator: address(c.payout), deposit: parseEther('0.3') })

  await c.owner.transferPile({
    pileId: piles.token.pileId,
    newOwner: address(c.owner2),
    payout: address(c.payout2),
    agent: address(c.payout2),
  })
  await c.owner2.setFreeVehicles({ pileId: piles.token.pileId, add: [address(c.vehicle)] })
  return { settled, token, refunded, decided, expired, channelId }
}

describe('indexer', () => {
  let c: Chain
  let played: Awaited<ReturnType<typeof playEverything>>
  beforeAll(async () => {
    c = await startChain()
    const piles = await registerPiles(c, 'IDX')
    played = await playEverything(c, piles)
  })
  afterAll(() => c?.stop())

  for (const engine of testEngines)
    describe(engine.name, () => {
      let database: Database
      let fine: Database
      // Scratch PostgreSQL databases take a while on a loaded machine.
      beforeAll(async () => {
        database = await engine.open()
        fine = await engine.open()
      }, 180_000)
      afterAll(async () => {
        await database?.close()
        await fine?.close()
      })

      it('writes every kind of event into its rows, as the contracts hold them', async () => {
        const synced = await indexerFor(database, c).syncOnce()
        const head = Number(await c.arbiter.getBlockNumber())
        expect(synced).toMatchObject({ head, blockNumber: head, finalizedBlock: head, reorgs: 0, raced: 0 })
        await expectMatchesContracts(c, database.db)
        const tables = await indexedTables(database.db)
        expect(tables.piles).toHaveLength(2)
        expect(tables.orders).toHaveLength(6)
        const byId = (id: string) => tables.orders.find((order) => order.sessionId === id)
        const settledOrder = byId(played.settled.sessionId)
        expect(settledOrder).toMatchObject({
          kind: 'escrow',
          state: 'settled',
          energyWh: 12_345,
          chargingSeconds: 1_234,
          vehicle: address(c.vehicle).toLowerCase(),
          operator: address(c.owner).toLowerCase(),
          currency: '0x0000000000000000000000000000000000000000',
          deposit: parseEther('0.01'),
        })
        expect((settledOrder?.amountReceived ?? 0n) + (settledOrder?.refund ?? 0n)).toBe(parseEther('0.01'))
        expect(byId(played.token.sessionId)).toMatchObject({
          state: 'settled',
          currency: c.token.toLowerCase(),
        })
        expect(byId(played.refunded.sessionId)).toMatchObject({
          state: 'refunded',
          refund: parseEther('0.01'),
          amountReceived: 0n,
        })
        expect(byId(played.decided.sessionId)).toMatchObject({ state: 'resolved' })
        expect(tables.disputes.map((dispute) => [dispute.sessionId, dispute.state])).toEqual(
          [
            [played.decided.sessionId, 'decided'],
            [played.expired.sessionId, 'expired'],
          ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        )
        expect(tables.channels.map((channel) => channel.state).sort()).toEqual(['closed', 'open'])
        expect(tables.free.map((row) => row.vehicle).sort()).toEqual(
          [address(c.vehicle2), address(c.vehicle)].map((a) => a.toLowerCase()).sort(),
        )
        expect(await listDisputes(database.db, 'open')).toEqual([])
      })

      it('one block per batch gives the same rows as one batch for all', async () => {
        const synced = await indexerFor(fine, c, { maxBlockRange: 1 }).syncOnce()
        expect(synced.batches).toBe(synced.head - c.deployment.startBlock + 1)
        expect(await indexedTables(fine.db)).toEqual(await indexedTables(database.db))
      })

      it('shows rows from blocks newer than head − confirmations as pending', async () => {
        const pending = await engine.open()
        try {
          const head = Number(await c.arbiter.getBlockNumber())
          const synced = await indexerFor(pending, c, { confirmations: 3 }).syncOnce()
          expect(synced.finalizedBlock).toBe(head - 3)
          const [first] = (await indexedTables(pending.db)).orders.filter(
            (order) => order.sessionId === played.settled.sessionId,
          )
          const order = await pending.db.query.orders.findFirst({
            where: (o, { eq }) => eq(o.sessionId, played.settled.sessionId),
          })
          if (!first || !order) throw new Error('the settled order is indexed')
          expect((await getOrder(pending.db, order.id))?.order.pending).toBe(false)
          const last = await pending.db.query.chainEvents.findFirst({
            orderBy: (e, { desc }) => [desc(e.blockNumber)],
          })
          expect(last?.blockNumber).toBeGreaterThan(head - 3)
          // The newest pile change (the free list after the transfer) is pending.
          const pile = await pending.db.query.piles.findFirst({
            where: (p, { eq }) => eq(p.owner, address(c.owner2)),
          })
          expect(pile?.chainBlock).toBe(head)
        } finally {
          await pending.close()
        }
      })
    })
})
