export {
  EmptyPasswordError,
  InvalidPrivateKeyError,
  KeystoreExistsError,
  KeystoreMalformedError,
  KeystoreNotFoundError,
  WrongPasswordError,
} from './errors/signer.js'
export {
  type CreateKeystoreParameters,
  type CreateKeystoreReturnType,
  createKeystore,
  defaultScryptN,
  type LoadKeystoreParameters,
  loadKeystoreSigner,
} from './signer/keystore.js'
export { privateKeySigner, type Signer } from './signer/signer.js'
