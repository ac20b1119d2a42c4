import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { type Db, findCharger } from '@chargechain/db'
import { hash, verify } from '@node-rs/argon2'
import type { UpgradeRequest, UpgradeVerdict } from '../rpc.js'

/**
 * Argon2id for a charger's password. A charger's password is a machine secret of 16 or more random characters (the
 * OCPP 1.6 security whitepaper's AuthorizationKey), not a person's, so a light setting is enough: about 5 ms a
 * check instead of the ~50 ms that people's passwords get, which lets one instance take 10,000 chargers
 * reconnecting at once. The server's `charger add` and `PUT …/password` hash with this.
 */
export function hashChargerPassword(password: string): Promise<string> {
  // algorithm 2 is Argon2id (the library's const enum cannot be imported under verbatimModuleSyntax).
  return hash(password, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 })
}

export interface ChargerSession {
  chargerId: string
  pileId: number
}

export interface AuthenticatorOptions {
  db: Db
  /** Argon2 checks run at once (each takes a libuv thread); more wait. Default 2. */
  concurrency?: number
  /** Upgrades that may wait for a check; beyond, 503 (a reconnect storm, or someone guessing). Default 5000. */
  maxWaiting?: number
}

/** An identity as a path segment can carry it: printable, no slash, at most 48 characters (OCPP's charge box id). */
const identityPattern = /^[\x21-\x2e\x30-\x7e]{1,48}$/

/**
 * Security profile 1: HTTP basic auth with each charger's own password against its argon2id hash. A successful
 * check is remembered per charger (an HMAC of the password under a key of this process, with the hash it matched),
 * so a reconnect with the same password costs a hash lookup, not an argon2 run; a new password hash in the database
 * is checked afresh. Unknown charger and wrong password get the same 401, so ids cannot be probed.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const { db, concurrency = 2, maxWaiting = 5000 } = options
  const key = randomBytes(32)
  const remembered = new Map<string, { passwordHash: string; mac: Buffer }>()
  let running = 0
  const queue: (() => void)[] = []

  async function limited<T>(task: () => Promise<T>): Promise<T> {
    if (running >= concurrency) await new Promise<void>((resolve) => queue.push(resolve))
    running++
    try {
      return await task()
    } finally {
      running--
      queue.shift()?.()
    }
  }

  const refused: UpgradeVerdict<ChargerSession> = {
    accept: false,
    status: 401,
    message: 'Unknown charger or wrong password.',
  }

  return async function authenticate(upgrade: UpgradeRequest): Promise<UpgradeVerdict<ChargerSession>> {
    const { identity, password } = upgrade
    if (!identityPattern.test(identity) || password === undefined || password.length === 0) return refused
    const charger = await findCharger(db, identity)
    if (!charger) return refused
    const accepted = { accept: true as const, session: { chargerId: charger.id, pileId: charger.pileId } }
    const mac = createHmac('sha256', key).update(identity).update('\0').update(password).digest()
    const known = remembered.get(identity)
    if (known && known.passwordHash === charger.passwordHash && timingSafeEqual(known.mac, mac))
      return accepted
    if (queue.length >= maxWaiting)
      return { accept: false, status: 503, message: 'Too many chargers connecting; retry shortly.' }
    const valid = await limited(() => verify(charger.passwordHash, password).catch(() => false))
    if (!valid) return refused
    remembered.set(identity, { passwordHash: charger.passwordHash, mac })
    return accepted
  }
}
