import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './http/env.js'

/**
 * Serves the dashboard's built files for paths outside /api; any other GET gets index.html, so the single-page
 * app's own routes (/piles/7) load on a refresh. serveStatic refuses paths that climb out of `root`.
 */
export function serveDashboard(app: OpenAPIHono<AppEnv>, root: string): void {
  const outsideApi = (path: string) => path !== '/api' && !path.startsWith('/api/')
  // The build writes .br and .gz beside each file: sent as the browser accepts, never compressed per request.
  const files = serveStatic({ root, precompressed: true })
  app.use('*', async (c, next) =>
    outsideApi(c.req.path) && c.req.method === 'GET' ? files(c, next) : next(),
  )
  app.get('*', async (c, next) => {
    if (!outsideApi(c.req.path)) return next()
    const index = await readFile(join(root, 'index.html')).catch(() => undefined)
    if (!index) return next()
    return c.body(new Uint8Array(index), 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
    })
  })
}
