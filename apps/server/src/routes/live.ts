import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import { HttpProblem } from '../errors.js'
import type { AppEnv } from '../http/env.js'
import { errorResponses } from '../http/problems.js'
import { signedIn } from '../http/route.js'
import type { LiveHub } from '../live/hub.js'

export interface LiveRouteOptions {
  hub: LiveHub | undefined
  /** Comment lines keep proxies from closing an idle stream (15 s by default). */
  heartbeatMs: number
  /** Events a slow client may fall behind by before it is dropped (it reconnects and reloads). */
  maxBacklog: number
}

const live = createRoute({
  method: 'get',
  path: '/api/live',
  tags: ['live'],
  summary:
    'Server-sent events: every change to piles, connectors, meter readings, orders, disputes, chargers',
  description:
    'Each message is `event: <type>` and `data: <LiveEvent JSON>` (types pile, connector, meter, order, dispute, ' +
    'charger). `event: gap` means events may have been lost: reload what is shown. A comment line comes every 15 s; ' +
    'the first, `: ready`, says the stream listens. Any signed-in account.',
  security: signedIn,
  'x-roles': ['admin', 'viewer'],
  responses: {
    200: { description: 'The stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 503),
  },
})

export function registerLiveRoute(app: OpenAPIHono<AppEnv>, options: LiveRouteOptions): void {
  app.openapi(live, (c) => {
    const { hub } = options
    if (!hub) throw new HttpProblem(503, 'live_unavailable', 'This server runs without its live stream.')
    return streamSSE(c, async (stream) => {
      let backlog = 0
      let dropped = false
      const send = (write: Promise<void>) => {
        backlog++
        write.finally(() => backlog--).catch(() => {})
        if (backlog > options.maxBacklog && !dropped) {
          dropped = true
          stream.abort()
        }
      }
      const unsubscribe = hub.subscribe({
        event: (type, json) => send(stream.writeSSE({ event: type, data: json })),
        gap: () => send(stream.writeSSE({ event: 'gap', data: '{}' })),
        close: () => stream.abort(),
      })
      const heartbeat = setInterval(
        () => send(stream.write(': heartbeat\n\n').then(() => {})),
        options.heartbeatMs,
      )
      const closed = new Promise<void>((resolve) => stream.onAbort(resolve))
      try {
        await stream.write('retry: 3000\n: ready\n\n')
        await closed
      } finally {
        clearInterval(heartbeat)
        unsubscribe()
      }
    })
  })
}
