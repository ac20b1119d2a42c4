// The live stream over real HTTP: a change published with publishLive inside a transaction reaches a connected SSE
// client as `event: <type>` with the event's JSON once the transaction commits (a rolled-back one never arrives);
// the API's own writes publish too; on PostgreSQL a broken listener connection reaches the client as `event: gap`.
// Breaks tried: not passing messages on in the hub (no event arrives: both first cases time out); not passing
// gaps on (the gap case times out).
import { type LiveEvent, publishLive } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminPassword, signIn, startTestServer, type TestServer } from './testing/harness.js'
import { openLive } from './testing/sse.js'

for (const engine of testEngines) {
  describe(`live stream on ${engine.name}`, () => {
    let t: TestServer
    let cookie: string
    beforeAll(async () => {
      t = await startTestServer(engine)
      cookie = await signIn(t.url, 'admin', adminPassword)
    })
    afterAll(() => t?.close())

    it('delivers a committed change, never a rolled-back one', async () => {
      const live = await openLive(t.url, cookie)
      expect(live.response.headers.get('content-type')).toBe('text/event-stream')
      const rolledBack: LiveEvent = { type: 'dispute', orderId: 99 }
      await t.database.db
        .transaction(async (tx) => {
          await publishLive(tx, rolledBack)
          throw new Error('roll back')
        })
        .catch(() => {})
      const event: LiveEvent = {
        type: 'connector',
        pileId: 3,
        connector: 1,
        status: 'charging',
        orderId: 12,
        at: '2026-06-01T08:00:00.000Z',
      }
      await t.database.db.transaction((tx) => publishLive(tx, event))
      const message = await live.nextEvent()
      expect({ event: message.event, data: JSON.parse(message.data ?? '') }).toEqual({
        event: 'connector',
        data: event,
      })
      live.close()
    })

    it("reaches every client, and carries the API's own writes", async () => {
      const first = await openLive(t.url, cookie)
      const second = await openLive(t.url, await signIn(t.url, 'viewer', 'viewer-password-1'))
      const created = await t.admin.json<{ id: number }>('POST', '/api/piles', { name: 'Live pile' })
      for (const live of [first, second]) {
        const message = await live.nextEvent()
        expect({ event: message.event, data: JSON.parse(message.data ?? '') }).toEqual({
          event: 'pile',
          data: { type: 'pile', pileId: created.body.id },
        })
        live.close()
      }
    })

    it.runIf(engine.name === 'postgres')('says `gap` when the listener lost its connection', async () => {
      const live = await openLive(t.url, cookie)
      await t.database.db.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen %'`,
      )
      const message = await live.nextEvent()
      expect(message.event).toBe('gap')
      // After the gap the stream goes on.
      await publishLive(t.database.db, { type: 'pile', pileId: 5 })
      expect((await live.nextEvent()).data).toBe('{"type":"pile","pileId":5}')
      live.close()
    })
  })
}
