// Live events: publishLiveMany delivers every event, in order, as the JSON publishLive would send, and only on
// commit (break: `order by n desc` in publishLiveMany — the order check fails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from './database.js'
import { type LiveEvent, liveChannel, publishLive, publishLiveMany } from './live.js'
import { testEngines } from './testing/index.js'

for (const engine of testEngines) {
  describe(`live events on ${engine.name}`, () => {
    let database: Database
    beforeAll(async () => {
      database = await engine.open()
    })
    afterAll(() => database?.close())

    it('sends a batch in order, on commit only', async () => {
      const heard: LiveEvent[] = []
      const unlisten = await database.listen(liveChannel, {
        onMessage: (payload) => heard.push(JSON.parse(payload)),
      })
      const batch: LiveEvent[] = Array.from({ length: 300 }, (_, i) => ({
        type: 'order',
        orderId: i + 1,
        pileId: 7,
        state: i % 2 ? 'settled' : 'open',
      }))
      await database.db
        .transaction(async (tx) => {
          await publishLiveMany(tx, [{ type: 'pile', pileId: 1 }])
          tx.rollback()
        })
        .catch(() => {})
      await database.db.transaction(async (tx) => {
        await publishLiveMany(tx, batch)
        await publishLiveMany(tx, [])
        await publishLive(tx, { type: 'dispute', orderId: 9 })
      })
      await expect.poll(() => heard.length).toBe(301)
      expect(heard).toEqual([...batch, { type: 'dispute', orderId: 9 }])
      await unlisten()
    })
  })
}
