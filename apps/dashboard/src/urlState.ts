// Every page's filters live in its URL (deep links, back and forward work); these turn a URL's search params into
// a filter, a filter back into the page's search params, and into the API's query (which CSV export shares).
import { type OrderKind, type OrderState, orderKinds, orderStates } from './api/types'

export interface PilesQuery {
  search?: string
  sort?: string
  order?: 'asc' | 'desc'
  page: number
  pageSize: number
}

export const pileSortable = [
  'dmid',
  'site',
  'installedOn',
  'brand',
  'currentType',
  'guns',
  'ratedPowerW',
  'firmwareVersion',
] as const

export interface OrdersFilter {
  pileId?: number
  vehicle?: string
  state?: OrderState
  kind?: OrderKind
  /** First and last local day opened, inclusive: `YYYY-MM-DD`. */
  from?: string
  to?: string
  sort?: 'openedAt' | 'energyWh'
  order?: 'asc' | 'desc'
  /** The page after this one's `nextCursor`; none for the first page. */
  cursor?: string
  limit?: number
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

const positiveInt = (text: string | null): number | undefined => {
  if (text === null || !/^\d+$/.test(text)) return undefined
  const value = Number(text)
  return value > 0 && Number.isSafeInteger(value) ? value : undefined
}

const oneOf = <T extends string>(values: readonly T[], text: string | null): T | undefined =>
  values.find((value) => value === text)

const text = (value: string | null): string | undefined =>
  value === null || value.trim() === '' ? undefined : value

const direction = (value: string | null) => oneOf(['asc', 'desc'] as const, value)

export function parsePilesQuery(search: URLSearchParams): PilesQuery {
  const sort = oneOf(pileSortable, search.get('sort'))
  return {
    ...defined({
      search: text(search.get('q')),
      sort,
      order: sort === undefined ? undefined : direction(search.get('order')),
    }),
    page: positiveInt(search.get('page')) ?? 1,
    pageSize: Math.min(positiveInt(search.get('pageSize')) ?? 20, 100),
  }
}

/** The page's URL params: defaults left out so a plain link stays plain. */
export function pilesQueryToUrl(query: PilesQuery): URLSearchParams {
  return params({
    q: query.search,
    sort: query.sort,
    order: query.order,
    page: query.page === 1 ? undefined : query.page,
    pageSize: query.pageSize === 20 ? undefined : query.pageSize,
  })
}

/** The API's query for the same page. */
export function pilesSearch(query: PilesQuery): URLSearchParams {
  return params({
    search: query.search,
    sort: query.sort,
    order: query.order,
    page: query.page,
    pageSize: query.pageSize,
  })
}

export function parseOrdersFilter(search: URLSearchParams): OrdersFilter {
  const from = search.get('from')
  const to = search.get('to')
  return defined({
    pileId: positiveInt(search.get('pileId')),
    vehicle: text(search.get('vehicle'))?.toLowerCase(),
    state: oneOf(orderStates, search.get('state')),
    kind: oneOf(orderKinds, search.get('kind')),
    from: from !== null && DAY.test(from) ? from : undefined,
    to: to !== null && DAY.test(to) ? to : undefined,
    sort: oneOf(['openedAt', 'energyWh'] as const, search.get('sort')),
    order: direction(search.get('order')),
    cursor: text(search.get('cursor')),
    limit: positiveInt(search.get('limit')),
  })
}

export function ordersFilterToUrl(filter: OrdersFilter): URLSearchParams {
  return params({ ...filter })
}

/** The start of a local day as an instant: the API compares instants, the operator picks days. */
export function startOfLocalDay(day: string, addDays = 0): string {
  const [year, month, date] = day.split('-').map(Number)
  return new Date(year ?? 1970, (month ?? 1) - 1, (date ?? 1) + addDays).toISOString()
}

/** The API's query: `from` the first day's start, `to` the start of the day after the last. */
export function ordersSearch(filter: OrdersFilter): URLSearchParams {
  return params({
    pileId: filter.pileId,
    vehicle: filter.vehicle,
    state: filter.state,
    kind: filter.kind,
    from: filter.from === undefined ? undefined : startOfLocalDay(filter.from),
    to: filter.to === undefined ? undefined : startOfLocalDay(filter.to, 1),
    sort: filter.sort,
    order: filter.order,
    limit: filter.limit ?? 50,
    cursor: filter.cursor,
  })
}

/** The CSV export of exactly the filtered rows: the list's query without paging. */
export function ordersCsvUrl(filter: OrdersFilter): string {
  const search = ordersSearch(filter)
  search.delete('cursor')
  search.delete('limit')
  const query = search.toString()
  return `/api/orders.csv${query === '' ? '' : `?${query}`}`
}

function params(values: Record<string, string | number | undefined>): URLSearchParams {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) if (value !== undefined) search.set(key, String(value))
  return search
}

/** The object without its undefined entries (so two equal filters are equal query keys). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T
}
