import { Spin } from 'antd'
import type { ComponentType } from 'react'
import { createBrowserRouter } from 'react-router'
import { AppLayout } from './layout/AppLayout'

// Each page is its own chunk, loaded when first opened.
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({
  Component: (await load()).default,
})

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
      { index: true, lazy: page(() => import('./pages/Overview')) },
      { path: 'piles', lazy: page(() => import('./pages/Piles')) },
      { path: 'piles/:id', lazy: page(() => import('./pages/PileDetail')) },
      { path: 'map', lazy: page(() => import('./pages/MapPage')) },
      { path: 'orders', lazy: page(() => import('./pages/Orders')) },
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
