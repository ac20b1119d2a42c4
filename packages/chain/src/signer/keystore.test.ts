import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  EmptyPasswordError,
  InvalidPrivateKeyError,
  KeystoreExistsError,
  KeystoreMalformedError,
  KeystoreNotFoundError,
  WrongPasswordError,
} from '../errors/signer.js'
import { createKeystore, loadKeystoreSigner } from './keystore.js'
import { privateKeySigner } from './signer.js'

// Test vectors of the Web3 Secret Storage definition (password "testpassword").
const specPrivateKey = '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d'
const specScrypt = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: { iv: '83dbcc02d8ccb40e466191a123791e0e' },
    ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
    kdf: 'scrypt',
    kdfparams: {
      dklen: 32,
      n: 262144,
      r: 1,
      p: 8,
      salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19',
    },
    mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
}
const specPbkdf2 = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: { iv: '6087dab2f9fdbbfaddc31a909735c1e6' },
    ciphertext: '5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46',
    kdf: 'pbkdf2',
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: 'hmac-sha256',
      salt: 'ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd',
    },
    mac: '517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
}

describe('keystore signer', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chargechain-keystore-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const write = async (name: string, content: unknown) => {
    const path = join(dir, name)
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }

  it('round-trips a new key through a keystore file, readable only by its owner', async () => {
    const path = join(dir, 'roundtrip.json')
    const created = await createKeystore({ path, password: 'correct horse', scryptN: 2 ** 12 })
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const signer = await loadKeystoreSigner({ path, password: 'correct horse' })
    expect(signer.address).toBe(created.address)
    expect(signer.account.address).toBe(created.address)
    expect(signer.source).toContain(path)
    const file = JSON.parse(await readFile(path, 'utf8'))
    expect(file.crypto.kdf).toBe('scrypt')
    expect(file.address).toBe(created.address.slice(2).toLowerCase())
  })

  it('stores a given key and signs with it', async () => {
    const path = join(dir, 'given.json')
    await createKeystore({ path, password: 'pw', privateKey: specPrivateKey, scryptN: 2 ** 12 })
    const signer = await loadKeystoreSigner({ path, password: 'pw' })
    expect(signer.address).toBe(privateKeyToAddress(specPrivateKey))
    const signature = await signer.account.signMessage({ message: 'hello' })
    expect(signature).toMatch(/^0x[0-9a-f]{130}$/)
  })

  it('decrypts the spec test vectors (scrypt and pbkdf2)', async () => {
    const address = privateKeyToAddress(specPrivateKey)
    for (const [name, vector] of [
      ['scrypt', specScrypt],
      ['pbkdf2', specPbkdf2],
    ] as const) {
      const path = await write(`spec-${name}.json`, vector)
      expect((await loadKeystoreSigner({ path, password: 'testpassword' })).address).toBe(address)
    }
  })

  it('rejects a wrong password', async () => {
    const path = join(dir, 'wrong.json')
    await createKeystore({ path, password: 'right', scryptN: 2 ** 12 })
    await expect(loadKeystoreSigner({ path, password: 'wrong' })).rejects.toBeInstanceOf(WrongPasswordError)
  })

  it('names a missing file', async () => {
    const error = await loadKeystoreSigner({ path: join(dir, 'nope.json'), password: 'x' }).catch((e) => e)
    expect(error).toBeInstanceOf(KeystoreNotFoundError)
    expect(error.shortMessage).toContain('nope.json')
  })

  it('rejects malformed files with the bad field named', async () => {
    const notJson = await write('not-json.json', '{oops')
    await expect(loadKeystoreSigner({ path: notJson, password: 'x' })).rejects.toThrow(/not JSON/)

    const badCipher = await write('bad-cipher.json', {
      ...specScrypt,
      crypto: { ...specScrypt.crypto, cipher: 'aes-256-gcm' },
    })
    const error = await loadKeystoreSigner({ path: badCipher, password: 'x' }).catch((e) => e)
    expect(error).toBeInstanceOf(KeystoreMalformedError)
    expect(error.shortMessage).toContain('crypto.cipher')

    const hugeN = await write('huge-n.json', {
      ...specScrypt,
      crypto: { ...specScrypt.crypto, kdfparams: { ...specScrypt.crypto.kdfparams, n: 2 ** 30 } },
    })
    await expect(loadKeystoreSigner({ path: hugeN, password: 'x' })).rejects.toThrow(/kdfparams\.n/)

    const v2 = await write('v2.json', { ...specScrypt, version: 2 })
    await expect(loadKeystoreSigner({ path: v2, password: 'x' })).rejects.toThrow(/version/)
  })

  it('detects an address field that does not match the key', async () => {
    const path = await write('mismatch.json', { ...specPbkdf2, address: '0'.repeat(40) })
    await expect(loadKeystoreSigner({ path, password: 'testpassword' })).rejects.toThrow(/does not match/)
  })

  it('never overwrites a file and refuses an empty password', async () => {
    const path = join(dir, 'once.json')
    await createKeystore({ path, password: 'a', scryptN: 2 ** 12 })
    await expect(createKeystore({ path, password: 'a', scryptN: 2 ** 12 })).rejects.toBeInstanceOf(
      KeystoreExistsError,
    )
    await expect(createKeystore({ path: join(dir, 'empty.json'), password: '' })).rejects.toBeInstanceOf(
      EmptyPasswordError,
    )
  })
})

describe('privateKeySigner', () => {
  it('loads a valid key', () => {
    expect(privateKeySigner(specPrivateKey).address).toBe(privateKeyToAddress(specPrivateKey))
  })

  it('rejects bad keys without echoing them', () => {
    for (const bad of ['0x1234abcd', `0x${'0'.repeat(64)}`, `0x${'f'.repeat(64)}`, 'zzzz']) {
      const error = (() => {
        try {
          privateKeySigner(bad)
        } catch (e) {
          return e as Error
        }
      })()
      expect(error).toBeInstanceOf(InvalidPrivateKeyError)
      expect(error?.message).not.toContain(bad.slice(2))
    }
  })
})
