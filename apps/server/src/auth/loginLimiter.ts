import { RateLimiterMemory } from 'rate-limiter-flexible'
import { HttpProblem } from '../errors.js'

export interface LoginLimits {
  /** Failed sign-ins allowed per username within `windowSeconds` (10 by default). */
  perUsername: number
  /** Failed sign-ins allowed per client address within `windowSeconds` (30 by default). */
  perAddress: number
  windowSeconds: number
}

export const defaultLoginLimits: LoginLimits = { perUsername: 10, perAddress: 30, windowSeconds: 15 * 60 }

/**
 * Counts failed sign-ins per username and per client address, in this process's memory: once either count is
 * used up, sign-ins for it are refused with 429 and Retry-After until the window passes, password right or not.
 * A success clears the username's count.
 */
export function createLoginLimiter(limits: LoginLimits = defaultLoginLimits) {
  const byUsername = new RateLimiterMemory({ points: limits.perUsername, duration: limits.windowSeconds })
  const byAddress = new RateLimiterMemory({ points: limits.perAddress, duration: limits.windowSeconds })
  const userKey = (username: string) => username.toLowerCase()

  return {
    /** Throws 429 if `username` or `address` has no attempts left. */
    async check(username: string, address: string): Promise<void> {
      const [user, client] = await Promise.all([byUsername.get(userKey(username)), byAddress.get(address)])
      const waits = [
        user && user.consumedPoints >= limits.perUsername ? user.msBeforeNext : 0,
        client && client.consumedPoints >= limits.perAddress ? client.msBeforeNext : 0,
      ]
      const waitMs = Math.max(...waits)
      if (waitMs > 0)
        throw new HttpProblem(
          429,
          'rate_limited',
          `Too many failed sign-ins for this account or from this address; wait ${Math.ceil(waitMs / 1000)} s.`,
          { retryAfterSeconds: Math.ceil(waitMs / 1000) },
        )
    },
    async failed(username: string, address: string): Promise<void> {
      // Consuming past the limit rejects with the state; the count is what matters here.
      await Promise.allSettled([byUsername.consume(userKey(username)), byAddress.consume(address)])
    },
    async succeeded(username: string): Promise<void> {
      await byUsername.delete(userKey(username))
    },
  }
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>
