import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { KeyLoadError, KeystoreNotFoundError, WrongPasswordError } from '../errors/signer.js'
import { keySourceSchema, loadSignerFromConfig, resolveKeySource } from './keySource.js'
import { createKeystore } from './keystore.js'

const devKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

async function keystore(password: string) {
  const path = join(await mkdtemp(join(tmpdir(), 'chargechain-key-source-')), 'agent.json')
  await createKeystore({ path, password, privateKey: devKey, scryptN: 2 ** 4 })
  return path
}

describe('keySourceSchema', () => {
  it('defaults the password variable of a keystore', () => {
    expect(keySourceSchema.parse({ keystore: './agent.json' })).toEqual({
      keystore: './agent.json',
      passwordEnv: 'CHARGECHAIN_KEY_PASSWORD',
    })
  })

  it('refuses a short dev key and a source with both kinds of key', () => {
    expect(keySourceSchema.safeParse({ devPrivateKey: '0x12' }).success).toBe(false)
    expect(keySourceSchema.safeParse({ keystore: './a.json', devPrivateKey: devKey }).success).toBe(false)
  })
})

describe('resolveKeySource', () => {
  it('resolves a keystore path and leaves a dev key alone', () => {
    const resolve = (path: string) => `/etc/chargechain/${path}`
    expect(resolveKeySource({ keystore: 'agent.json', passwordEnv: 'P' }, resolve)).toEqual({
      keystore: '/etc/chargechain/agent.json',
      passwordEnv: 'P',
    })
    expect(resolveKeySource({ devPrivateKey: devKey }, resolve)).toEqual({ devPrivateKey: devKey })
  })
})

describe('loadSignerFromConfig', () => {
  it('reads the password from a file such as a systemd credential, ignoring its trailing newline', async () => {
    const path = await keystore('s3cret')
    const passwordFile = join(path, '..', 'key-password')
    await writeFile(passwordFile, 's3cret\n')
    const signer = await loadSignerFromConfig({ keystore: path, passwordEnv: 'UNSET', passwordFile }, {})
    expect(signer.address).toBe(privateKeyToAddress(devKey))
    await expect(
      loadSignerFromConfig(
        { keystore: path, passwordEnv: 'UNSET', passwordFile: `${passwordFile}.missing` },
        {},
      ),
    ).rejects.toThrow(KeyLoadError)
  })

  it('loads a dev private key and says where it came from', async () => {
    const signer = await loadSignerFromConfig({ devPrivateKey: devKey }, {})
    expect(signer.address).toBe(privateKeyToAddress(devKey))
    expect(signer.source).toBe('dev private key from the config')
  })

  it('decrypts a keystore with the password from the named variable', async () => {
    const path = await keystore('correct horse')
    const signer = await loadSignerFromConfig(
      { keystore: path, passwordEnv: 'AGENT_PW' },
      { AGENT_PW: 'correct horse' },
    )
    expect(signer.address).toBe(privateKeyToAddress(devKey))
    expect(signer.source).toBe(`keystore ${path}`)
  })

  it('names the unset variable and the keystore', async () => {
    const load = loadSignerFromConfig({ keystore: '/keys/agent.json', passwordEnv: 'AGENT_PW' }, {})
    await expect(load).rejects.toThrow(KeyLoadError)
    await expect(load).rejects.toThrow(/AGENT_PW is not set.*\/keys\/agent\.json/)
  })

  it('passes on the keystore errors', async () => {
    const path = await keystore('correct horse')
    await expect(
      loadSignerFromConfig({ keystore: path, passwordEnv: 'AGENT_PW' }, { AGENT_PW: 'wrong' }),
    ).rejects.toThrow(WrongPasswordError)
    await expect(
      loadSignerFromConfig({ keystore: `${path}.missing`, passwordEnv: 'AGENT_PW' }, { AGENT_PW: 'x' }),
    ).rejects.toThrow(KeystoreNotFoundError)
  })
})
