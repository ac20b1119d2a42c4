import { randomBytes, randomUUID } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { pbkdf2Async } from '@noble/hashes/pbkdf2'
import { scryptAsync } from '@noble/hashes/scrypt'
import { sha256 } from '@noble/hashes/sha2'
import { Keystore } from 'ox'
import { bytesToHex, type Hex, hexToBytes } from 'viem'
import { generatePrivateKey } from 'viem/accounts'
import { z } from 'zod'
import {
  EmptyPasswordError,
  KeystoreExistsError,
  KeystoreMalformedError,
  KeystoreNotFoundError,
  WrongPasswordError,
} from '../errors/signer.js'
import { privateKeySigner, type Signer } from './signer.js'

const hexString = (bytes?: number) =>
  z
    .string()
    .regex(
      bytes ? new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`) : /^([0-9a-fA-F]{2})+$/,
      'expected hex without 0x',
    )

// Bounds on the KDF cost keep a hostile file from exhausting memory (scrypt needs 128·n·r bytes).
const scryptParams = z.object({
  dklen: z.literal(32),
  n: z
    .number()
    .int()
    .min(2)
    .max(2 ** 20)
    .refine((n) => (n & (n - 1)) === 0, 'n must be a power of two'),
  r: z.number().int().min(1).max(16),
  p: z.number().int().min(1).max(16),
  salt: hexString(),
})
const pbkdf2Params = z.object({
  dklen: z.literal(32),
  c: z.number().int().min(1).max(10_000_000),
  prf: z.literal('hmac-sha256'),
  salt: hexString(),
})

const keystoreSchema = z.object({
  version: z.literal(3),
  id: z.string(),
  address: z.string().optional(),
  crypto: z.intersection(
    z.object({
      cipher: z.literal('aes-128-ctr'),
      ciphertext: hexString(32),
      cipherparams: z.object({ iv: hexString(16) }),
      mac: hexString(32),
    }),
    z.discriminatedUnion('kdf', [
      z.object({ kdf: z.literal('scrypt'), kdfparams: scryptParams }),
      z.object({ kdf: z.literal('pbkdf2'), kdfparams: pbkdf2Params }),
    ]),
  ),
})

type KeystoreFile = z.infer<typeof keystoreSchema>

/** geth's "standard" scrypt cost: about a second on a desktop, several on a Raspberry Pi. */
export const defaultScryptN = 2 ** 18

export interface LoadKeystoreParameters {
  path: string
  password: string
}

/** Decrypts a Web3 Secret Storage v3 keystore file (as written by geth, Foundry's `cast wallet`, ethers, MetaMask). */
export async function loadKeystoreSigner({ path, password }: LoadKeystoreParameters): Promise<Signer> {
  const keystore = parseKeystore(await readKeystoreFile(path), path)
  const key = await deriveKey(keystore, password)
  let privateKey: Hex
  try {
    privateKey = Keystore.decrypt(keystore as Keystore.Keystore, key)
  } catch (error) {
    // ox throws on a MAC mismatch, which is what a wrong password looks like.
    if (error instanceof Error && /corrupt keystore/.test(error.message)) throw new WrongPasswordError(path)
    throw new KeystoreMalformedError(path, 'it could not be decrypted', error)
  }
  const signer = privateKeySigner(privateKey, `keystore ${path}`)
  if (
    keystore.address &&
    keystore.address.replace(/^0x/, '').toLowerCase() !== signer.address.slice(2).toLowerCase()
  )
    throw new KeystoreMalformedError(
      path,
      `its address field does not match the key it holds (${signer.address})`,
    )
  return signer
}

export interface CreateKeystoreParameters {
  path: string
  password: string
  /** Key to store; a fresh random key by default. */
  privateKey?: Hex
  /** scrypt cost; lower only for tests. */
  scryptN?: number
}

export interface CreateKeystoreReturnType {
  address: Signer['address']
  path: string
}

/** Writes a new scrypt keystore file (mode 0600) and refuses to overwrite an existing one. */
export async function createKeystore({
  path,
  password,
  privateKey = generatePrivateKey(),
  scryptN = defaultScryptN,
}: CreateKeystoreParameters): Promise<CreateKeystoreReturnType> {
  if (password.length === 0) throw new EmptyPasswordError()
  const signer = privateKeySigner(privateKey)
  const kdfparams = { dklen: 32, n: scryptN, r: 8, p: 1, salt: randomBytes(32).toString('hex') }
  const iv = randomBytes(16)
  const key = await scrypt(password, kdfparams)
  const encrypted = Keystore.encrypt(privateKey, key, { kdf: 'scrypt', kdfparams, iv, id: randomUUID() })
  const file = { address: signer.address.slice(2).toLowerCase(), ...encrypted }
  try {
    await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new KeystoreExistsError(path)
    throw error
  }
  return { address: signer.address, path }
}

async function readKeystoreFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new KeystoreNotFoundError(path, error)
    throw new KeystoreMalformedError(path, 'it could not be read', error)
  }
}

function parseKeystore(text: string, path: string): KeystoreFile {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new KeystoreMalformedError(path, 'it is not JSON', error)
  }
  // Some tools write `Crypto` (capitalised), as the original spec's examples did.
  if (json && typeof json === 'object' && 'Crypto' in json && !('crypto' in json)) {
    const { Crypto, ...rest } = json as Record<string, unknown>
    json = { ...rest, crypto: Crypto }
  }
  const result = keystoreSchema.safeParse(json)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new KeystoreMalformedError(path, `${issue?.path.join('.') || 'file'}: ${issue?.message}`)
  }
  return result.data
}

// noble's async KDFs yield to the event loop, so a Pi agent keeps serving its link while the key decrypts. Unlike
// OpenSSL they accept N ≥ 2^(16·r), which some real keystores (and the spec's own test vector) use.
async function deriveKey(keystore: KeystoreFile, password: string): Promise<Hex> {
  const { crypto } = keystore
  if (crypto.kdf === 'scrypt') return scrypt(password, crypto.kdfparams)
  const { c, salt } = crypto.kdfparams
  return bytesToHex(await pbkdf2Async(sha256, password, hexToBytes(`0x${salt}`), { c, dkLen: 32 }))
}

async function scrypt(
  password: string,
  params: { n: number; r: number; p: number; salt: string },
): Promise<Hex> {
  const { n, r, p, salt } = params
  return bytesToHex(await scryptAsync(password, hexToBytes(`0x${salt}`), { N: n, r, p, dkLen: 32 }))
}
