// A provider that caps eth_getLogs, as hosted ones do (a proxy in front of anvil answers with their codes and words:
// "eth_getLogs is limited to a 4 block range", "query returned more than 3 results"): the indexer halves its range
// until the provider answers and the rows are exactly those an uncapped provider gives, row by row, and the
// contracts' state; a block with more logs than the cap is a LogRangeError, not a loop. Break tried: isRangeCapped
// returning false (the first refusal escapes syncOnce and the test fails).
import type { Database } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCappedProxy } from '../test/cappedProxy.js'
import {
  address,
  type Chain,
  channelVoucher,
  indexerFor,
  open,
  registerPiles,
  settle,
  startChain,
} from '../test/fixture.js'
import { expectMatchesContracts, indexedTables } from '../test/tables.js'
import { LogRangeError } from './errors.js'

describe('a provider that caps eth_getLogs', () => {
  let c: Chain
  beforeAll(async () => {
    c = await startChain()
    const piles = await registerPiles(c, 'CAP')
    for (const [car, pile, energyWh] of [
      [c.vehicle, piles.native, 4_000n],
      [c.vehicle2, piles.native, 9_000n],
      [c.vehicle, piles.native, 1_500n],
    ] as const)
      await settle(c, await open(car, pile), energyWh)
    const { channelId } = await c.vehicle.openChannel({
      operator: address(c.payout),
      deposit: parseEther('1'),
    })
    const amount = parseEther('0.1')
    await c.payout.settleChannel({
      channelId,
      cumulativeAmount: amount,
      signature: await channelVoucher(c, c.vehicle, channelId, amount),
    })
  }, 180_000)
  afterAll(() => c?.stop())

  for (const engine of testEngines)
    describe(engine.name, () => {
      let capped: Database
      let direct: Database
      beforeAll(async () => {
        capped = await engine.open()
        direct = await engine.open()
      }, 180_000)
      afterAll(async () => {
        await capped?.close()
        await direct?.close()
      })

      it('shrinks its range until the provider answers, and indexes exactly what an uncapped one gives', async () => {
        const proxy = await startCappedProxy(c.chain.rpcUrl, { maxBlocks: 4, maxResults: 3 })
        try {
          const synced = await indexerFor(capped, { deployment: c.deployment, chain: proxy }).syncOnce()
          expect(synced.blockNumber).toBe(Number(await c.arbiter.getBlockNumber()))
          expect(proxy.stats.refused).toBeGreaterThan(0)
          await indexerFor(direct, c).syncOnce()
          expect(await indexedTables(capped.db)).toEqual(await indexedTables(direct.db))
          expect((await indexedTables(capped.db)).orders).toHaveLength(3)
          await expectMatchesContracts(c, capped.db)
        } finally {
          await proxy.close()
        }
      })

      it('halts with a LogRangeError when one block holds more logs than the provider returns', async () => {
        // Registering a pile logs PileRegistered and PileTermsChanged in one block.
        const proxy = await startCappedProxy(c.chain.rpcUrl, { maxResults: 1 })
        const fresh = await engine.open()
        try {
          const indexer = indexerFor(fresh, { deployment: c.deployment, chain: proxy })
          await expect(indexer.syncOnce()).rejects.toBeInstanceOf(LogRangeError)
        } finally {
          await fresh.close()
          await proxy.close()
        }
      })
    })
})
