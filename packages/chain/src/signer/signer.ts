import type { Address, Hex, LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { InvalidPrivateKeyError } from '../errors/signer.js'

/**
 * Where a chain key lives: the pile's hot agent key or the car's key. A keystore file today, a secure element
 * later (it would build its `account` with viem's `toAccount`, signing inside the chip). Callers only ever use
 * `account`, so the key never has to leave its holder.
 */
export interface Signer {
  readonly address: Address
  /** A viem account: pass it to wallet clients and to the signing helpers. */
  readonly account: LocalAccount
  /** Human description of where the key came from, for logs (never the key itself). */
  readonly source: string
}

const privateKeyPattern = /^0x[0-9a-fA-F]{64}$/

/** A signer from a raw private key. For dev chains and tests only: the key sits in memory and in your shell history. */
export function privateKeySigner(privateKey: string, source = 'private key'): Signer {
  if (!privateKeyPattern.test(privateKey)) throw new InvalidPrivateKeyError()
  let account: LocalAccount
  try {
    account = privateKeyToAccount(privateKey as Hex)
  } catch {
    // Zero or ≥ the curve order.
    throw new InvalidPrivateKeyError()
  }
  return { address: account.address, account, source }
}
