export { channelIdOf } from './actions/channels/channelIdOf.js'
export {
  type CloseChannelErrorType,
  type CloseChannelParameters,
  type CloseChannelReturnType,
  closeChannel,
} from './actions/channels/closeChannel.js'
export {
  type ChannelState,
  type GetChannelErrorType,
  type GetChannelParameters,
  type GetChannelReturnType,
  getChannel,
} from './actions/channels/getChannel.js'
export {
  type OpenChannelErrorType,
  type OpenChannelParameters,
  type OpenChannelReturnType,
  openChannel,
} from './actions/channels/openChannel.js'
export {
  type RequestCloseErrorType,
  type RequestCloseParameters,
  type RequestCloseReturnType,
  requestClose,
} from './actions/channels/requestClose.js'
export {
  type SettleAndCloseErrorType,
  type SettleAndCloseParameters,
  type SettleAndCloseReturnType,
  settleAndClose,
} from './actions/channels/settleAndClose.js'
export {
  type SettleChannelErrorType,
  type SettleChannelParameters,
  type SettleChannelReturnType,
  settleChannel,
} from './actions/channels/settleChannel.js'
export {
  type TopUpErrorType,
  type TopUpParameters,
  type TopUpReturnType,
  topUp,
} from './actions/channels/topUp.js'
export {
  type BalanceOfErrorType,
  type BalanceOfParameters,
  type BalanceOfReturnType,
  balanceOf,
} from './actions/escrow/balanceOf.js'
export {
  type DecideDisputeErrorType,
  type DecideDisputeParameters,
  type DecideDisputeReturnType,
  decideDispute,
} from './actions/escrow/decideDispute.js'
export {
  type ExpireDisputeErrorType,
  type ExpireDisputeParameters,
  type ExpireDisputeReturnType,
  expireDispute,
} from './actions/escrow/expireDispute.js'
export {
  type FindSessionsErrorType,
  type FindSessionsParameters,
  type FindSessionsReturnType,
  findSessions,
} from './actions/escrow/findSessions.js'
export {
  type GetSessionErrorType,
  type GetSessionParameters,
  type GetSessionReturnType,
  getSession,
  type SessionState,
} from './actions/escrow/getSession.js'
export {
  type OpenSessionErrorType,
  type OpenSessionParameters,
  type OpenSessionReturnType,
  openSession,
} from './actions/escrow/openSession.js'
export {
  type ReassignSessionsErrorType,
  type ReassignSessionsParameters,
  type ReassignSessionsReturnType,
  reassignSessions,
} from './actions/escrow/reassignSessions.js'
export {
  type RefundErrorType,
  type RefundParameters,
  type RefundReturnType,
  refund,
} from './actions/escrow/refund.js'
export {
  type RequestRefundErrorType,
  type RequestRefundParameters,
  type RequestRefundReturnType,
  requestRefund,
} from './actions/escrow/requestRefund.js'
export {
  hashSession,
  type Session,
} from './actions/escrow/session.js'
export {
  type SettleSessionErrorType,
  type SettleSessionParameters,
  type SettleSessionReturnType,
  type SettleVoucher,
  settleSession,
} from './actions/escrow/settleSession.js'
export {
  type SettleSessionsErrorType,
  type SettleSessionsParameters,
  type SettleSessionsReturnType,
  settleSessions,
} from './actions/escrow/settleSessions.js'
export {
  type SettleWithClaimErrorType,
  type SettleWithClaimParameters,
  type SettleWithClaimReturnType,
  settleWithClaim,
} from './actions/escrow/settleWithClaim.js'
export {
  type WaitForSessionErrorType,
  type WaitForSessionParameters,
  type WaitForSessionReturnType,
  waitForSession,
} from './actions/escrow/waitForSession.js'
export {
  type WithdrawErrorType,
  type WithdrawParameters,
  type WithdrawReturnType,
  withdraw,
} from './actions/escrow/withdraw.js'
export type {
  WriteOptions,
  WriteResult,
} from './actions/internal/submit.js'
export {
  type FindTermsErrorType,
  findTerms,
} from './actions/registry/findTerms.js'
export {
  type GetPileErrorType,
  type GetPileParameters,
  type GetPileReturnType,
  getPile,
} from './actions/registry/getPile.js'
export {
  type IsFreeVehicleErrorType,
  type IsFreeVehicleParameters,
  type IsFreeVehicleReturnType,
  isFreeVehicle,
} from './actions/registry/isFreeVehicle.js'
export {
  type RegisterPileErrorType,
  type RegisterPileParameters,
  type RegisterPileReturnType,
  registerPile,
} from './actions/registry/registerPile.js'
export {
  type SetAgentErrorType,
  type SetAgentParameters,
  type SetAgentReturnType,
  setAgent,
} from './actions/registry/setAgent.js'
export {
  type SetCreditErrorType,
  type SetCreditParameters,
  type SetCreditReturnType,
  setCredit,
} from './actions/registry/setCredit.js'
export {
  type SetFreeVehiclesErrorType,
  type SetFreeVehiclesParameters,
  type SetFreeVehiclesReturnType,
  setFreeVehicles,
} from './actions/registry/setFreeVehicles.js'
export {
  type SetPayoutErrorType,
  type SetPayoutParameters,
  type SetPayoutReturnType,
  setPayout,
} from './actions/registry/setPayout.js'
export {
  type SetTariffErrorType,
  type SetTariffParameters,
  type SetTariffReturnType,
  setTariff,
} from './actions/registry/setTariff.js'
export {
  type TransferPileErrorType,
  type TransferPileParameters,
  type TransferPileReturnType,
  transferPile,
} from './actions/registry/transferPile.js'
export {
  type ApproveIfNeededParameters,
  approveIfNeeded,
} from './actions/token/approveIfNeeded.js'
export {
  type GetCurrencyParameters,
  type GetCurrencyReturnType,
  getCurrency,
} from './actions/token/getCurrency.js'
export {
  type SignPermitParameters,
  type SignPermitReturnType,
  signPermit,
} from './actions/token/signPermit.js'
export {
  type ChargeChainClient,
  type CreateChargeChainClientParameters,
  createChargeChainClient,
} from './clients/createChargeChainClient.js'
export {
  type ChargeChainActions,
  chargeChainActions,
} from './clients/decorators/chargeChain.js'
export type { ChargeChainReadClient } from './clients/types.js'
export {
  type ChargeChainErrorName,
  chargeChainErrorAbi,
} from './contracts/abis.js'
export {
  type DeployChargeChainErrorType,
  type DeployChargeChainParameters,
  type DeployChargeChainReturnType,
  deployChargeChain,
} from './deploy/deployChargeChain.js'
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
  type VerifyDeploymentErrorType,
  verifyDeployment,
} from './deploy/verifyDeployment.js'
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
  ChainUnavailableError,
  ContractRevertedError,
  revertMessages,
  SignerRequiredError,
  TransactionRevertedError,
} from './errors/contract.js'
export {
  DeploymentChainMismatchError,
  DeploymentFailedError,
  DeploymentNotFoundError,
  InvalidDeploymentError,
} from './errors/deployment.js'
export { InvalidSignatureError } from './errors/eip712.js'
export { InvalidParameterError } from './errors/parameters.js'
export {
  MissingEventError,
  SessionConfirmationTimeoutError,
  SessionMismatchError,
  SessionNotFoundError,
  TermsNotFoundError,
} from './errors/session.js'
export {
  EmptyPasswordError,
  InvalidPrivateKeyError,
  KeyLoadError,
  KeystoreExistsError,
  KeystoreMalformedError,
  KeystoreNotFoundError,
  WrongPasswordError,
} from './errors/signer.js'
export {
  type ChargeChainEvent,
  decodeChargeChainLogs,
} from './events/decodeChargeChainLogs.js'
export {
  type GetChargeChainEventsParameters,
  type GetChargeChainEventsReturnType,
  getChargeChainEvents,
} from './events/getChargeChainEvents.js'
export {
  type WatchChargeChainEventsParameters,
  type WatchChargeChainEventsReturnType,
  watchChargeChainEvents,
} from './events/watchChargeChainEvents.js'
export {
  type KeySource,
  keySourceSchema,
  loadSignerFromConfig,
  resolveKeySource,
} from './signer/keySource.js'
export {
  type CreateKeystoreParameters,
  type CreateKeystoreReturnType,
  createKeystore,
  defaultScryptN,
  type LoadKeystoreParameters,
  loadKeystoreSigner,
} from './signer/keystore.js'
export { type ReadSecretOptions, readSecret, type SecretSource } from './signer/secret.js'
export { privateKeySigner, type Signer } from './signer/signer.js'
export {
  type DefineTermsParameters,
  defineTerms,
  hashTerms,
  type Tariff,
  type Terms,
  termsDifference,
} from './terms/terms.js'
export { dmidToBytes32, pileIdFromDmid, pileIdOf } from './utils/pileIdFromDmid.js'
export { priceOf } from './utils/priceOf.js'
export { tariffCost } from './utils/tariffCost.js'
