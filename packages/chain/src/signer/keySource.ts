import { z } from 'zod'
import { KeyLoadError } from '../errors/signer.js'
import { loadKeystoreSigner } from './keystore.js'
import { readSecret } from './secret.js'
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
      /**
       * Or a file holding it, such as a systemd credential (`LoadCredential=` puts it in
       * /run/credentials/<unit>/<name>); one trailing newline is ignored. Takes precedence over `passwordEnv`.
       */
      passwordFile: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({ devPrivateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 0x-prefixed 32-byte hex key') })
    .strict(),
])

export type KeySource = z.output<typeof keySourceSchema>

/** The same source with a relative keystore path resolved by `resolvePath` (configs name files relative to themselves). */
export function resolveKeySource(source: KeySource, resolvePath: (path: string) => string): KeySource {
  if (!('keystore' in source)) return source
  const passwordFile =
    source.passwordFile === undefined ? {} : { passwordFile: resolvePath(source.passwordFile) }
  return { ...source, keystore: resolvePath(source.keystore), ...passwordFile }
}

/** Loads the signer a config names, reading a keystore's password from the file or environment variable it names. */
export async function loadSignerFromConfig(
  source: KeySource,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Signer> {
  if ('devPrivateKey' in source)
    return privateKeySigner(source.devPrivateKey, 'dev private key from the config')
  const password = await readSecret(
    { file: source.passwordFile, variable: source.passwordEnv },
    { purpose: `the password of keystore ${source.keystore}`, error: KeyLoadError, env },
  )
  return loadKeystoreSigner({ path: source.keystore, password })
}
