import {
  keepPreviousData,
  QueryClient,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import { type OrdersFilter, ordersSearch, type PilesQuery, pilesSearch } from '../urlState'
import { ApiError, api, queryString } from './client'
import type {
  Account,
  ApiToken,
  AuditEntry,
  Charger,
  CursorPage,
  DailyTotal,
  Dispute,
  DisputeState,
  IdTag,
  Me,
  MeterValue,
  Order,
  OrderDetail,
  Overview,
  Page,
  Pile,
  ServerConfig,
} from './types'

// Query keys: the live stream (live.ts) patches and invalidates by these prefixes.
export const keys = {
  me: ['me'] as const,
  config: ['config'] as const,
  overview: ['overview'] as const,
  totals: (from: string, to: string, pileId?: number) => ['totals', { from, to, pileId }] as const,
  piles: (query?: PilesQuery) => (query ? (['piles', query] as const) : (['piles'] as const)),
  allPiles: ['piles', 'all'] as const,
  pile: (id: number) => ['pile', id] as const,
  orders: (filter?: OrdersFilter) => (filter ? (['orders', filter] as const) : (['orders'] as const)),
  order: (id: number) => ['order', id] as const,
  meter: (orderId: number) => ['meter', orderId] as const,
  disputes: (state?: DisputeState) => (state ? (['disputes', state] as const) : (['disputes'] as const)),
  dispute: (orderId: number) => ['dispute', orderId] as const,
  chargers: ['chargers'] as const,
  idTags: ['idTags'] as const,
  accounts: ['accounts'] as const,
  tokens: ['tokens'] as const,
  audit: (subject?: string) => ['audit', subject ?? ''] as const,
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // Only what may pass by itself (no answer, a 5xx) is tried again; a 4xx says what to change instead.
      retry: (failures, error) => failures < 2 && error instanceof ApiError && error.retryable,
      refetchOnWindowFocus: false,
    },
  },
})

/** The signed-in account; null when nobody is (the server answered 401). */
export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: async (): Promise<Me | null> => {
    try {
      return await api<Me>('/api/auth/me')
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null
      throw error
    }
  },
  staleTime: Number.POSITIVE_INFINITY,
})

export const useMe = () => useQuery(meQuery)

/** The server's settings for the dashboard; a server without /api/config gives an empty one (no tiles). */
export const configQuery = queryOptions({
  queryKey: keys.config,
  queryFn: async (): Promise<ServerConfig> => {
    try {
      return await api<ServerConfig>('/api/config')
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 401)) return {}
      throw error
    }
  },
  staleTime: Number.POSITIVE_INFINITY,
})

export const useServerConfig = () => useQuery(configQuery)

export const overviewQuery = queryOptions({
  queryKey: keys.overview,
  queryFn: () => api<Overview>('/api/overview'),
})
export const useOverview = () => useQuery(overviewQuery)

export const useDailyTotals = (from: string, to: string, pileId?: number) =>
  useQuery({
    queryKey: keys.totals(from, to, pileId),
    queryFn: () => api<DailyTotal[]>(`/api/totals/daily${queryString({ pileId, from, to })}`),
  })

export const pilesQuery = (query: PilesQuery) =>
  queryOptions({
    queryKey: keys.piles(query),
    queryFn: () => api<Page<Pile>>(`/api/piles?${pilesSearch(query).toString()}`),
    placeholderData: keepPreviousData,
  })
export const usePiles = (query: PilesQuery) => useQuery(pilesQuery(query))

/** Every pile, page by page (the map and the pile pickers); the server caps a page. */
export const useAllPiles = (enabled = true) =>
  useQuery({
    queryKey: keys.allPiles,
    enabled,
    queryFn: async () => {
      const piles: Pile[] = []
      for (let page = 1; ; page++) {
        const { items, total } = await api<Page<Pile>>(
          `/api/piles${queryString({ page, pageSize: 500, sort: 'id' })}`,
        )
        piles.push(...items)
        if (items.length === 0 || piles.length >= total) return piles
      }
    },
  })

export const usePile = (id: number) =>
  useQuery({ queryKey: keys.pile(id), queryFn: () => api<Pile>(`/api/piles/${id}`) })

export const ordersQuery = (filter: OrdersFilter) =>
  queryOptions({
    queryKey: keys.orders(filter),
    queryFn: () => api<CursorPage<Order>>(`/api/orders?${ordersSearch(filter).toString()}`),
    placeholderData: keepPreviousData,
  })
export const useOrders = (filter: OrdersFilter) => useQuery(ordersQuery(filter))

export const useOrder = (id: number, enabled = true) =>
  useQuery({ queryKey: keys.order(id), queryFn: () => api<OrderDetail>(`/api/orders/${id}`), enabled })

/** An order's meter readings (up to 5,000, in time order): the live curve's history. */
export const useMeterValues = (orderId: number | null) =>
  useQuery({
    queryKey: keys.meter(orderId ?? 0),
    queryFn: async () =>
      (await api<CursorPage<MeterValue>>(`/api/meter-values${queryString({ orderId, limit: 5000 })}`)).items,
    enabled: orderId !== null,
  })

export const useDisputes = (state: DisputeState) =>
  useQuery({ queryKey: keys.disputes(state), queryFn: () => api<Dispute[]>(`/api/disputes?state=${state}`) })

export const useDispute = (orderId: number) =>
  useQuery({ queryKey: keys.dispute(orderId), queryFn: () => api<Dispute>(`/api/disputes/${orderId}`) })

export const useChargers = () =>
  useQuery({ queryKey: keys.chargers, queryFn: () => api<Charger[]>('/api/chargers') })
export const useIdTags = () =>
  useQuery({ queryKey: keys.idTags, queryFn: () => api<IdTag[]>('/api/id-tags') })
export const useAccounts = () =>
  useQuery({ queryKey: keys.accounts, queryFn: () => api<Account[]>('/api/accounts') })
export const useTokens = () =>
  useQuery({ queryKey: keys.tokens, queryFn: () => api<ApiToken[]>('/api/tokens') })
export const useAudit = (subject?: string, enabled = true) =>
  useQuery({
    queryKey: keys.audit(subject),
    enabled,
    queryFn: () => api<AuditEntry[]>(`/api/audit${queryString({ subject, limit: 200 })}`),
  })

/**
 * A write to the API that refreshes the named caches when it succeeds. Errors stay on the mutation for the page to
 * show in words.
 */
export function useApiMutation<Variables, Result = unknown>(
  request: (variables: Variables) => Promise<Result>,
  invalidate: ReadonlyArray<readonly unknown[]>,
) {
  const client = useQueryClient()
  return useMutation<Result, ApiError, Variables>({
    mutationFn: request,
    onSuccess: async () => {
      await Promise.all(invalidate.map((queryKey) => client.invalidateQueries({ queryKey })))
    },
  })
}
