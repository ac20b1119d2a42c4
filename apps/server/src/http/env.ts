import type { AccountView, Actor } from '@chargechain/db'
import type { HttpBindings } from '@hono/node-server'

/** What middleware hands to handlers. */
export interface AppEnv {
  /** Node's request and response (absent when the app is called without a server). */
  Bindings: Partial<HttpBindings>
  Variables: {
    /** The signed-in account (every route but the public ones). */
    account: AccountView
    /** The account as the audit log names it. */
    actor: Actor
    /** The session cookie's hash, when signed in by cookie (logout deletes it). */
    sessionHash: string | undefined
  }
}
