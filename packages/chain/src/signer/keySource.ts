import { z } from 'zod'
import { KeyLoadError } from '../errors/signer.js'
import { loadKeystoreSigner } from './keystore.js'
import { privateKeySigner, type Signer } from './signer.js'

/**
 * Where an agent's key comes from, as its config file says: an encrypted keystore (production) or a raw key (dev
 * chains only).
 */
export const keySourceSchema = z.union([
  z
    .object({
      keystore: z.string().min(1),
      /** Environment variable holding the keystore's password (never the config file). */
      passwordEnv: z.string().min(1).default('CHARGECHAIN_KEY_PASSWORD'),
    })
    .strict(),
  z
    .object({ devPrivateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 0x-prefixed 32-byte hex key') })
    .strict(),
])

export type KeySource = z.output<typeof keySourceSchema>

/** The same source with a relative keystore path resolved by `resolvePath` (configs name files relative to themselves). */
export function resolveKeySource(source: KeySource, resolvePath: (path: string) => string): KeySource {
  return 'keystore' in source ? { ...source, keystore: resolvePath(source.keystore) } : source
}

/** Loads the signer a config names, reading a keystore's password from the environment variable it names. */
export async function loadSignerFromConfig(
  source: KeySource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Signer> {
  if ('devPrivateKey' in source)
    return privateKeySigner(source.devPrivateKey, 'dev private key from the config')
  const password = env[source.passwordEnv]
  if (password === undefined) {
    throw new KeyLoadError(
      `Environment variable ${source.passwordEnv} is not set; set it to the password of keystore ${source.keystore}.`,
    )
  }
  return loadKeystoreSigner({ path: source.keystore, password })
}
