// CSV exports stream exactly the filtered rows: the orders of one pile in one state within a time range, across
// several of the export's internal pages (3,000 orders seeded, 500 a page), in the list's order, each once; cells a
// spreadsheet would run as formulas are defused, quotes, commas and line breaks quoted. Meter values likewise.
// Breaks tried: dropping the `to` filter from the export (extra rows appear); leaving out the formula prefix
// (the =HYPERLINK cell comes back as written).
import { meterValues, orders } from '@chargechain/db'
import { insertOrder, insertPile, seedOrders, testEngines } from '@chargechain/db/testing'
import { and, desc, eq, gte, lt } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvCell } from './http/csv.js'
import { startTestServer, type TestServer } from './testing/harness.js'

/** A small RFC 4180 reader: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += ch
  }
  return rows
}

const start = new Date(Date.UTC(2026, 3, 1))

for (const engine of testEngines) {
  describe(`CSV exports on ${engine.name}`, () => {
    let t: TestServer
    beforeAll(async () => {
      t = await startTestServer(engine)
      const { db } = t.database
      const a = await insertPile(db, { dmid: 'A' })
      const b = await insertPile(db, { dmid: 'B' })
      await seedOrders(db, { piles: [a.id, a.id, b.id], count: 3000, start, spacingMs: 3_600_000 })
    })
    afterAll(() => t?.close())

    it('streams exactly the filtered orders, in order, each once', async () => {
      const from = new Date(start.getTime() + 100 * 3_600_000)
      const to = new Date(start.getTime() + 2900 * 3_600_000)
      const response = await t.admin.request(
        'GET',
        `/api/orders.csv?pileId=1&state=settled&from=${from.toISOString()}&to=${to.toISOString()}`,
      )
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(response.headers.get('content-length')).toBeNull()
      const [header, ...rows] = parseCsv(await response.text())
      const expected = await t.database.db
        .select({ id: orders.id })
        .from(orders)
        .where(
          and(
            eq(orders.pileId, 1),
            eq(orders.state, 'settled'),
            gte(orders.openedAt, from),
            lt(orders.openedAt, to),
          ),
        )
        .orderBy(desc(orders.openedAt), desc(orders.id))
      expect(expected.length).toBeGreaterThan(500)
      expect(header?.slice(0, 5)).toEqual(['id', 'kind', 'pileId', 'connector', 'state'])
      expect(rows.map((row) => Number(row[0]))).toEqual(expected.map((row) => row.id))
      expect(new Set(rows.map((row) => `${row[2]}/${row[4]}`))).toEqual(new Set(['1/settled']))
    })

    it('defuses formulas and quotes what needs quoting', async () => {
      const { db } = t.database
      const hostile = [
        '=HYPERLINK("http://evil","x")',
        '+1+2',
        '-3',
        '@SUM(A1)',
        'plain, "quoted"\nand broken',
      ]
      for (const [i, idTag] of hostile.entries())
        await insertOrder(db, {
          pileId: 2,
          kind: 'ocpp',
          state: 'refunded',
          idTag,
          openedAt: new Date(Date.UTC(2030, 0, 1, i)),
        })
      const response = await t.admin.request(
        'GET',
        '/api/orders.csv?pileId=2&kind=ocpp&sort=openedAt&order=asc',
      )
      const [header, ...rows] = parseCsv(await response.text())
      const column = header?.indexOf('idTag') ?? -1
      expect(rows.map((row) => row[column])).toEqual([
        `'=HYPERLINK("http://evil","x")`,
        "'+1+2",
        "'-3",
        "'@SUM(A1)",
        'plain, "quoted"\nand broken',
      ])
      expect(csvCell(-3)).toBe('-3')
    })

    it('streams one order’s meter values', async () => {
      const { db } = t.database
      const order = await insertOrder(db, { pileId: 1, state: 'charging' })
      await db.insert(meterValues).values(
        Array.from({ length: 2500 }, (_, i) => ({
          pileId: 1,
          connector: 1,
          orderId: order.id,
          measuredAt: new Date(start.getTime() + i * 10_000),
          energyWh: i * 5,
        })),
      )
      await db.insert(meterValues).values({ pileId: 1, connector: 1, measuredAt: start, energyWh: 1 })
      const response = await t.admin.request('GET', `/api/meter-values.csv?orderId=${order.id}`)
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="meter-values-order-${order.id}.csv"`,
      )
      const [header, ...rows] = parseCsv(await response.text())
      expect(header?.slice(0, 7)).toEqual([
        'id',
        'pileId',
        'connector',
        'orderId',
        'measuredAt',
        'receivedAt',
        'energyWh',
      ])
      expect(rows.map((row) => Number(row[6]))).toEqual(Array.from({ length: 2500 }, (_, i) => i * 5))
    })
  })
}
