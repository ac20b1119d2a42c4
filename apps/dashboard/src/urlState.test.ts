import { describe, expect, it } from 'vitest'
import {
  ordersCsvUrl,
  ordersFilterToUrl,
  ordersSearch,
  parseOrdersFilter,
  parsePilesQuery,
  pilesQueryToUrl,
  pilesSearch,
  startOfLocalDay,
} from './urlState'

describe('orders filter in the URL', () => {
  it('reads every filter from the URL and writes it back unchanged', () => {
    const url =
      'pileId=7&vehicle=0xabc&state=settled&kind=escrow&from=2026-11-01&to=2026-11-30&sort=energyWh&order=asc&cursor=xyz'
    const filter = parseOrdersFilter(new URLSearchParams(url))
    expect(filter).toEqual({
      pileId: 7,
      vehicle: '0xabc',
      state: 'settled',
      kind: 'escrow',
      from: '2026-11-01',
      to: '2026-11-30',
      sort: 'energyWh',
      order: 'asc',
      cursor: 'xyz',
    })
    expect(ordersFilterToUrl(filter).toString()).toBe(url)
  })

  it('drops values that are not filters rather than sending them on', () => {
    const filter = parseOrdersFilter(
      new URLSearchParams('pileId=-1&state=lost&kind=&from=yesterday&order=up&x=1'),
    )
    expect(filter).toEqual({})
    expect(ordersFilterToUrl(filter).toString()).toBe('')
  })

  it('asks the API for whole local days: from the first day’s start to the start of the day after the last', () => {
    const search = ordersSearch({ pileId: 3, state: 'charging', from: '2026-11-01', to: '2026-11-30' })
    expect(search.get('from')).toBe(new Date(2026, 10, 1).toISOString())
    expect(search.get('to')).toBe(new Date(2026, 11, 1).toISOString())
    expect(startOfLocalDay('2026-12-31', 1)).toBe(new Date(2027, 0, 1).toISOString())
    expect(search.get('limit')).toBe('50')
  })

  it('exports exactly the filtered rows: the list’s query without its page', () => {
    const filter = { pileId: 3, state: 'settled' as const, vehicle: '0xab', cursor: 'next', limit: 20 }
    expect(ordersCsvUrl(filter)).toBe('/api/orders.csv?pileId=3&vehicle=0xab&state=settled')
    expect(ordersCsvUrl({})).toBe('/api/orders.csv')
  })
})

describe('piles table in the URL', () => {
  it('defaults to the first page of 20 and leaves defaults out of the URL', () => {
    const query = parsePilesQuery(new URLSearchParams(''))
    expect(query).toEqual({ page: 1, pageSize: 20 })
    expect(pilesQueryToUrl(query).toString()).toBe('')
    expect(pilesSearch(query).toString()).toBe('page=1&pageSize=20')
  })

  it('keeps search, a sortable column and its direction, and caps the page size', () => {
    const query = parsePilesQuery(
      new URLSearchParams('q=上海&sort=ratedPowerW&order=desc&page=3&pageSize=500'),
    )
    expect(query).toEqual({ search: '上海', sort: 'ratedPowerW', order: 'desc', page: 3, pageSize: 100 })
    expect(pilesSearch(query).get('search')).toBe('上海')
    expect(parsePilesQuery(new URLSearchParams('sort=passwordHash&order=asc'))).toEqual({
      page: 1,
      pageSize: 20,
    })
  })
})
