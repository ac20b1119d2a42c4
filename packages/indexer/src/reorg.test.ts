// Reorgs on a real anvil, on every test engine: the indexer follows a branch of five blocks, anvil goes back to the
// fork point and mines a different branch of six, and the indexed rows then equal, row by row, a fresh index of the
// final chain and the contracts' own state; an order whose session survives keeps its id. A reorg deeper than the
// finality depth is a ReorgTooDeepError and leaves every row as it was.
// Break: in applyBatch, delete the abandoned events but rebuild none of the rows they touched (`subjects` without
// `undone`) and "undoes the abandoned branch" fails on the comparison (the abandoned session's order stays); skip
// the delete too and the new branch's events collide with the old ones' keys.
import type { Database } from '@chargechain/db'
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
} from '../test/fixture.js'
import { expectMatchesContracts, indexedTables } from '../test/tables.js'
import { ReorgTooDeepError } from './errors.js'

const depth = { confirmations: 8, finalityDepth: 8 }

describe('reorgs', () => {
  let c: Chain
  let piles: Piles
  const databases: { name: string; live: Database }[] = []
  beforeAll(async () => {
    c = await startChain()
    piles = await registerPiles(c, 'REORG')
    for (const engine of testEngines) databases.push({ name: engine.name, live: await engine.open() })
  }, 180_000)
  afterAll(async () => {
    for (const { live } of databases) await live.close()
    await c?.stop()
  })

  it('undoes the abandoned branch and applies the new one: rows equal a fresh index and the contracts', async () => {
    // Before the fork: sessions, one already settled, a channel.
    const kept = await open(c.vehicle, piles.native)
    const moved = await open(c.vehicle2, piles.native)
    const early = await open(c.vehicle, piles.token, parseEther('3'))
    await settle(c, early, 1_500n)
    const { channelId } = await c.vehicle.openChannel({
      operator: address(c.payout),
      deposit: parseEther('1'),
    })
    for (const { live } of databases) await indexerFor(live, c, depth).syncOnce()
    const ids = new Map<string, number>()
    for (const { name, live } of databases) {
      const row = await live.db.query.orders.findFirst({
        where: (o, { eq }) => eq(o.sessionId, kept.sessionId),
      })
      ids.set(name, row?.id ?? -1)
    }

    const fork = await c.testClient.snapshot()
    // Branch A, five blocks: settles both sessions, a dispute, a new session, a channel settle, a transfer.
    await settle(c, kept, 9_000n)
    await claim(c, moved, 4_000n)
    const gone = await open(c.vehicle2, piles.token, parseEther('2'))
    const amount = parseEther('0.1')
    await c.payout.settleChannel({
      channelId,
      cumulativeAmount: amount,
      signature: await channelVoucher(c, c.vehicle, channelId, amount),
    })
    await c.owner.transferPile({
      pileId: piles.token.pileId,
      newOwner: address(c.owner2),
      payout: address(c.payout2),
      agent: address(c.payout2),
    })
    for (const { live } of databases) {
      await indexerFor(live, c, depth).syncOnce()
      const tables = await indexedTables(live.db)
      expect(tables.orders.map((order) => order.sessionId)).toContain(gone.sessionId)
      expect(tables.disputes).toHaveLength(1)
    }

    await c.testClient.revert({ id: fork })
    // Branch B, six blocks: the same session settled for other energy, the other refunded later, a new free car.
    await settle(c, kept, 4_321n)
    await c.vehicle2.requestRefund({ session: moved.session })
    await c.owner.setFreeVehicles({ pileId: piles.token.pileId, add: [address(c.vehicle)] })
    await c.vehicle.topUp({ channelId, amount: parseEther('0.25') })
    await open(c.vehicle, piles.native)
    await c.testClient.mine({ blocks: 1 })

    for (const { name, live } of databases) {
      const synced = await indexerFor(live, c, depth).syncOnce()
      expect(synced.reorgs).toBe(1)
      const fresh = testEngines.find((engine) => engine.name === name)
      if (!fresh) throw new Error('engine')
      const clean = await fresh.open()
      try {
        await indexerFor(clean, c, depth).syncOnce()
        expect(await indexedTables(live.db)).toEqual(await indexedTables(clean.db))
      } finally {
        await clean.close()
      }
      await expectMatchesContracts(c, live.db)
      const tables = await indexedTables(live.db)
      expect(tables.orders.map((order) => order.sessionId)).not.toContain(gone.sessionId)
      expect(tables.disputes).toEqual([])
      expect(tables.orders.find((order) => order.sessionId === kept.sessionId)).toMatchObject({
        state: 'settled',
        energyWh: 4_321,
      })
      const row = await live.db.query.orders.findFirst({
        where: (o, { eq }) => eq(o.sessionId, kept.sessionId),
      })
      expect(row?.id).toBe(ids.get(name))
    }
  }, 180_000)

  it('refuses a reorg deeper than the finality depth and writes nothing', async () => {
    const shallow = { confirmations: 2, finalityDepth: 2 }
    for (const { live } of databases) await indexerFor(live, c, shallow).syncOnce()
    const fork = await c.testClient.snapshot()
    const opened = await open(c.vehicle2, piles.native)
    await settle(c, opened, 2_000n)
    await c.testClient.mine({ blocks: 2 })
    for (const { live } of databases) await indexerFor(live, c, shallow).syncOnce()
    const before = await Promise.all(databases.map(({ live }) => indexedTables(live.db)))

    await c.testClient.revert({ id: fork })
    await c.testClient.mine({ blocks: 6 })
    for (const [i, { live }] of databases.entries()) {
      await expect(indexerFor(live, c, shallow).syncOnce()).rejects.toBeInstanceOf(ReorgTooDeepError)
      expect(await indexedTables(live.db)).toEqual(before[i])
    }
  })
})
