import { createRoute, type RouteConfig } from '@hono/zod-openapi'
import { requireAdmin } from '../auth/middleware.js'
import { errorResponses } from './problems.js'

/** Routes that need a signed-in account: a session cookie or an API token. */
export const signedIn: Record<string, string[]>[] = [{ session: [] }, { token: [] }]

/**
 * A route every signed-in account may read, or (any other method) only an admin may call; its 400/401/403
 * answers are documented here once, and `x-roles` says who may call it. `adminOnly` marks reads a viewer may not
 * make either; `viewerWrites` marks
 * the one write a viewer makes (signing out, which authenticate lets through).
 */
export function apiRoute<const R extends Omit<RouteConfig, 'security' | 'middleware'>>(
  config: R,
  options: { adminOnly?: boolean; viewerWrites?: boolean } = {},
) {
  const adminOnly =
    options.adminOnly === true ||
    (!options.viewerWrites && config.method !== 'get' && config.method !== 'head')
  return createRoute({
    ...config,
    security: signedIn,
    'x-roles': adminOnly ? ['admin'] : ['admin', 'viewer'],
    ...(options.adminOnly ? { middleware: [requireAdmin] as const } : {}),
    responses: { ...config.responses, ...errorResponses(400, 401, 403) },
  })
}
