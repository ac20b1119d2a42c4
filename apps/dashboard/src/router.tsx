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
      { path: '*', lazy: page(() => import('./pages/NotFound')) },
    ],
  },
])
