import { loadKeystoreSigner, privateKeySigner, type Signer } from '@chargechain/chain'
import { z } from 'zod'
import { KeyLoadError } from './errors.js'

/** Where the car's key comes from: an encrypted keystore (production) or a raw key (dev chains only). */
export const keySchema = z.union([
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

export type KeyConfig = z.output<typeof keySchema>

export async function loadSigner(config: KeyConfig, env: NodeJS.ProcessEnv = process.env): Promise<Signer> {
  if ('devPrivateKey' in config)
    return privateKeySigner(config.devPrivateKey, 'dev private key from the config')
  const password = env[config.passwordEnv]
  if (password === undefined) {
    throw new KeyLoadError(
      `Environment variable ${config.passwordEnv} is not set; set it to the password of keystore ${config.keystore}.`,
    )
  }
  return loadKeystoreSigner({ path: config.keystore, password })
}
