import { BaseError } from '@chargechain/errors'

export class KeystoreNotFoundError extends BaseError {
  override readonly name = 'KeystoreNotFoundError'
  constructor(path: string, cause?: unknown) {
    super(`No keystore file at ${path}; check the path or create one with \`chargechain key new\`.`, {
      cause,
    })
  }
}

export class KeystoreMalformedError extends BaseError {
  override readonly name = 'KeystoreMalformedError'
  constructor(path: string, problem: string, cause?: unknown) {
    super(`${path} is not a valid Web3 Secret Storage v3 keystore: ${problem}.`, { cause })
  }
}

export class WrongPasswordError extends BaseError {
  override readonly name = 'WrongPasswordError'
  constructor(path: string) {
    super(`Wrong password for keystore ${path} (or the file is corrupt); try the password again.`)
  }
}

export class KeystoreExistsError extends BaseError {
  override readonly name = 'KeystoreExistsError'
  constructor(path: string) {
    super(`A file already exists at ${path}; choose another path so no key is overwritten.`)
  }
}

export class InvalidPrivateKeyError extends BaseError {
  override readonly name = 'InvalidPrivateKeyError'
  constructor() {
    // Never echo the key itself: it may be real.
    super('The private key must be 32 bytes of hex (0x followed by 64 hex digits) and a valid secp256k1 key.')
  }
}

export class EmptyPasswordError extends BaseError {
  override readonly name = 'EmptyPasswordError'
  constructor() {
    super('The keystore password is empty; set CHARGECHAIN_KEY_PASSWORD or type a password.')
  }
}

/** A key source from a config cannot be loaded as configured (its password variable is unset). */
export class KeyLoadError extends BaseError {
  override readonly name = 'KeyLoadError'
}
