import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'

/** A new secret for a session cookie or an API token: 32 random bytes, base64url, with a prefix saying which. */
export function newSecret(prefix: 'cs' | 'cct'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`
}

/** What is stored of a secret: its SHA-256, so a copy of the database signs nobody in. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** An argon2id PHC string of `password` (the library's defaults: 19 MiB, 2 passes, as OWASP advises). */
export function hashPassword(password: string): Promise<string> {
  // 2 is Algorithm.Argon2id (a const enum, which isolated modules cannot read).
  return hash(password, { algorithm: 2 })
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password)
  } catch {
    // A hash that is not a PHC string (written by hand) matches no password.
    return false
  }
}

/** A password to hand out once: 20 characters from 15 random bytes. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url')
}

export const passwordRule = { min: 10, max: 256 } as const
