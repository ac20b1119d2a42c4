import type { AccountView } from '@chargechain/db'

/**
 * Sessions this instance verified in the last `ttlMs`: a signed-in request costs no database lookup while its
 * session is fresh here. Logout, a role or password change and an account's deletion forget its entries at once on
 * this instance; another instance on the same database sees such a change after `ttlMs` at most, which is why the
 * time is short.
 */
export class SessionCache {
  private readonly entries = new Map<string, { account: AccountView; until: number }>()

  constructor(
    readonly ttlMs = 5_000,
    /** Beyond this many sessions the oldest entry goes first (a Map keeps insertion order). */
    private readonly maxEntries = 10_000,
  ) {}

  get(sessionHash: string, now: Date): AccountView | undefined {
    const entry = this.entries.get(sessionHash)
    if (!entry) return undefined
    if (entry.until > now.getTime()) return entry.account
    this.entries.delete(sessionHash)
    return undefined
  }

  set(sessionHash: string, account: AccountView, now: Date): void {
    this.entries.delete(sessionHash)
    this.entries.set(sessionHash, { account, until: now.getTime() + this.ttlMs })
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
  }

  /** A session that ended (logout). */
  forget(sessionHash: string): void {
    this.entries.delete(sessionHash)
  }

  /** Every session of an account whose role, password or existence changed. */
  forgetAccount(accountId: number): void {
    for (const [hash, entry] of this.entries) if (entry.account.id === accountId) this.entries.delete(hash)
  }
}
