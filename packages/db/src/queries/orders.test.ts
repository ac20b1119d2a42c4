// Order lists: every filter, both sorts and both directions page through exactly the rows a plain filter-and-sort
// of the inserted rows gives, without a gap or a repeat (break: compare with <= in the keyset, or drop `id` from it,
// and the paging test repeats or skips the orders sharing a time); a foreign or edited cursor is refused; the
// pending flag follows the indexer's finalised block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../database.js'
import { InvalidCursorError, InvalidParameterError } from '../errors.js'
import { chainEvents, indexerCursors, orders } from '../schema/index.js'
import { hexOf, insertOrder, insertPile, testEngines } from '../testing/index.js'
import { getOrder, iterateOrders, type ListOrdersParameters, listOrders, type Order } from './orders.js'

const t0 = Date.UTC(2026, 2, 1)

for (const engine of testEngines) {
  describe(`orders on ${engine.name}`, () => {
    let database: Database
    let all: Order[]
    let pileA: number
    let pileB: number

    beforeAll(async () => {
      database = await engine.open()
      const { db } = database
      pileA = (await insertPile(db, { dmid: 'A' })).id
      pileB = (await insertPile(db, { dmid: 'B' })).id
      const states = ['settled', 'open', 'settled', 'refunded', 'disputed'] as const
      for (let i = 0; i < 60; i++) {
        await insertOrder(db, {
          pileId: i % 3 === 0 ? pileB : pileA,
          sessionId: hexOf(i + 1, 32),
          vehicle: hexOf(i % 4, 20),
          state: states[i % states.length],
          // Pairs of orders share an opening time: only the id orders them.
          openedAt: new Date(t0 + Math.floor(i / 2) * 60_000),
          energyWh: (i * 37) % 11,
          chainBlock: 100 + i,
        })
      }
      all = await db.select().from(orders)
    })
    afterAll(() => database?.close())

    async function pages(parameters: ListOrdersParameters): Promise<number[][]> {
      const result: number[][] = []
      let cursor: string | undefined
      do {
        const page = await listOrders(database.db, { ...parameters, ...(cursor ? { cursor } : {}) })
        result.push(page.orders.map((order) => order.id))
        cursor = page.nextCursor
      } while (cursor)
      return result
    }

    function expected(
      filter: (order: Order) => boolean,
      sort: 'openedAt' | 'energyWh',
      direction: 'asc' | 'desc',
    ) {
      const key = (order: Order) => (sort === 'openedAt' ? order.openedAt.getTime() : order.energyWh)
      const sign = direction === 'asc' ? 1 : -1
      return all
        .filter(filter)
        .sort((a, b) => sign * (key(a) - key(b) || a.id - b.id))
        .map((order) => order.id)
    }

    it('pages through a pile and state, newest first, each order once', async () => {
      const result = await pages({ pileId: pileA, state: 'settled', limit: 3 })
      expect(result.flat()).toEqual(
        expected((o) => o.pileId === pileA && o.state === 'settled', 'openedAt', 'desc'),
      )
      expect(result.slice(0, -1).every((page) => page.length === 3)).toBe(true)
    })

    it('pages through every filter and sort, both ways', async () => {
      const vehicle = hexOf(2, 20)
      const from = new Date(t0 + 5 * 60_000)
      const before = new Date(t0 + 20 * 60_000)
      const cases: [ListOrdersParameters, (order: Order) => boolean][] = [
        [{}, () => true],
        [{ pileId: pileB }, (o) => o.pileId === pileB],
        [{ vehicle }, (o) => o.vehicle === vehicle],
        [{ state: 'open' }, (o) => o.state === 'open'],
        [{ kind: 'escrow' }, () => true],
        [{ kind: 'free' }, () => false],
        [
          { openedFrom: from, openedBefore: before },
          (o) => o.openedAt.getTime() >= from.getTime() && o.openedAt.getTime() < before.getTime(),
        ],
      ]
      for (const [filter, matches] of cases)
        for (const sort of ['openedAt', 'energyWh'] as const)
          for (const direction of ['asc', 'desc'] as const)
            expect((await pages({ ...filter, sort, direction, limit: 4 })).flat()).toEqual(
              expected(matches, sort, direction),
            )
    })

    it('streams every matching order through iterateOrders', async () => {
      const ids: number[] = []
      for await (const order of iterateOrders(database.db, { pileId: pileA })) ids.push(order.id)
      expect(ids).toEqual(expected((o) => o.pileId === pileA, 'openedAt', 'desc'))
    })

    it('refuses a cursor from another sort, an edited one and a bad page size', async () => {
      const first = await listOrders(database.db, { limit: 2 })
      const cursor = first.nextCursor ?? ''
      await expect(listOrders(database.db, { cursor, sort: 'energyWh' })).rejects.toBeInstanceOf(
        InvalidCursorError,
      )
      await expect(listOrders(database.db, { cursor, direction: 'asc' })).rejects.toBeInstanceOf(
        InvalidCursorError,
      )
      await expect(listOrders(database.db, { cursor: `${cursor}x` })).rejects.toBeInstanceOf(
        InvalidCursorError,
      )
      await expect(listOrders(database.db, { cursor: "'; drop table orders; --" })).rejects.toBeInstanceOf(
        InvalidCursorError,
      )
      await expect(listOrders(database.db, { limit: 0 })).rejects.toBeInstanceOf(InvalidParameterError)
      await expect(listOrders(database.db, { limit: 1001 })).rejects.toBeInstanceOf(InvalidParameterError)
    })

    it('marks orders and transactions above the finalised block as pending', async () => {
      const { db } = database
      const order = all.find((o) => o.chainBlock === 130)
      if (!order?.sessionId) throw new Error('seeded order at block 130 missing')
      const event = {
        chainId: 31337,
        blockHash: hexOf(1, 32),
        blockTime: new Date(),
        contract: 'sessionEscrow',
        subject: order.sessionId,
        args: {},
      }
      await db.insert(chainEvents).values([
        {
          ...event,
          blockNumber: 120,
          logIndex: 0,
          transactionHash: hexOf(2, 32),
          eventName: 'SessionOpened',
        },
        {
          ...event,
          blockNumber: 130,
          logIndex: 3,
          transactionHash: hexOf(3, 32),
          eventName: 'SessionSettled',
        },
      ])

      const before = await getOrder(db, order.id)
      expect(before?.order.pending).toBe(true)
      await db
        .insert(indexerCursors)
        .values({ chainId: 31337, blockNumber: 140, blockHash: hexOf(9, 32), finalizedBlock: 125 })
      const detail = await getOrder(db, order.id)
      expect(detail?.order.pending).toBe(true)
      expect(detail?.transactions).toEqual([
        {
          eventName: 'SessionOpened',
          transactionHash: hexOf(2, 32),
          blockNumber: 120,
          logIndex: 0,
          pending: false,
        },
        {
          eventName: 'SessionSettled',
          transactionHash: hexOf(3, 32),
          blockNumber: 130,
          logIndex: 3,
          pending: true,
        },
      ])
      const page = await listOrders(db, { sort: 'openedAt', direction: 'asc', limit: 1000 })
      expect(page.orders.map((o) => [o.chainBlock, o.pending])).toEqual(
        page.orders.map((o) => [o.chainBlock, (o.chainBlock ?? 0) > 125]),
      )
      expect(await getOrder(db, 999_999)).toBeUndefined()
    })
  })
}
