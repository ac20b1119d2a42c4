export {
  type ContractName,
  type Deployment,
  type DeploymentContracts,
  deploymentSchema,
  parseDeployment,
  readDeployment,
  writeDeployment,
} from './deploy/deployment.js'
export {
  type ChannelsContext,
  type ChannelVoucherMessage,
  channelVoucherDomain,
  channelVoucherTypes,
  type RecoverChannelVoucherSignerParameters,
  recoverChannelVoucherSigner,
  type SignChannelVoucherParameters,
  signChannelVoucher,
  type VerifyChannelVoucherParameters,
  verifyChannelVoucher,
} from './eip712/channelVoucher.js'
export {
  type EscrowContext,
  escrowVoucherDomain,
  type RecoverVoucherSignerParameters,
  recoverVoucherSigner,
  type SignVoucherParameters,
  signVoucher,
  type VerifyVoucherParameters,
  type VoucherMessage,
  verifyVoucher,
  voucherTypes,
} from './eip712/escrowVoucher.js'
export { normalizeSignature, toCompactSignature } from './eip712/signature.js'
export {
  createVehicleAuthNonce,
  type RecoverVehicleAuthParameters,
  recoverVehicleAuth,
  type SignVehicleAuthParameters,
  signVehicleAuth,
  type VehicleAuthContext,
  type VehicleAuthMessage,
  type VerifyVehicleAuthParameters,
  vehicleAuthDomain,
  vehicleAuthDomainName,
  vehicleAuthDomainVersion,
  vehicleAuthTypes,
  verifyVehicleAuth,
} from './eip712/vehicleAuth.js'
export {
  DeploymentChainMismatchError,
  DeploymentFailedError,
  DeploymentNotFoundError,
  InvalidDeploymentError,
} from './errors/deployment.js'
export { InvalidSignatureError } from './errors/eip712.js'
export { InvalidParameterError } from './errors/parameters.js'
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
export { pileIdFromDmid } from './utils/pileIdFromDmid.js'
export { priceOf } from './utils/priceOf.js'
