import { Spin } from 'antd'
import type { ComponentType } from 'react'
import { createBrowserRouter, type LoaderFunctionArgs } from 'react-router'
import { ordersQuery, overviewQuery, pilesQuery, queryClient } from './api/queries'
import { AppLayout } from './layout/AppLayout'
import { parseOrdersFilter, parsePilesQuery } from './urlState'

// Each page is its own chunk, loaded when first opened.
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({
  Component: (await load()).default,
})

/**
 * Starts a page's main request when navigation starts, beside its code, instead of after it renders; never waits
 * for it (the page shows its own loading and errors).
 */
const prefetch =
  (start: (search: URLSearchParams) => unknown) =>
  ({ request }: LoaderFunctionArgs) => {
    start(new URL(request.url).searchParams)
    return null
  }

// Shown while the first page's chunk loads.
const loading = (
  <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh' }}>
    <Spin size="large" />
  </div>
)

export const router = createBrowserRouter([
  { path: '/login', lazy: page(() => import('./pages/Login')), hydrateFallbackElement: loading },
  {
    path: '/',
    Component: AppLayout,
    hydrateFallbackElement: loading,
    children: [
      {
        index: true,
        loader: prefetch(() => queryClient.prefetchQuery(overviewQuery)),
        lazy: page(() => import('./pages/Overview')),
      },
      {
        path: 'piles',
        loader: prefetch((search) => queryClient.prefetchQuery(pilesQuery(parsePilesQuery(search)))),
        lazy: page(() => import('./pages/Piles')),
      },
      { path: 'piles/:id', lazy: page(() => import('./pages/PileDetail')) },
      { path: 'map', lazy: page(() => import('./pages/MapPage')) },
      {
        path: 'orders',
        loader: prefetch((search) => queryClient.prefetchQuery(ordersQuery(parseOrdersFilter(search)))),
        lazy: page(() => import('./pages/Orders')),
      },
      { path: 'orders/:id', lazy: page(() => import('./pages/OrderDetail')) },
      { path: 'disputes', lazy: page(() => import('./pages/Disputes')) },
      { path: 'disputes/:orderId', lazy: page(() => import('./pages/DisputeDetail')) },
      { path: 'chargers', lazy: page(() => import('./pages/Chargers')) },
      { path: 'accounts', lazy: page(() => import('./pages/Accounts')) },
      { path: 'audit', lazy: page(() => import('./pages/Audit')) },
      { path: '*', lazy: page(() => import('./pages/NotFound')) },
    ],
  },
])
