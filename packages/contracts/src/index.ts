export {
  ChannelStatus,
  channelDomain,
  channelVoucherTypes,
  escrowDomain,
  NATIVE_CURRENCY,
  SessionStatus,
  voucherTypes,
} from './constants.js'
export { type CompilerMessage, ContractImportNotFoundError, ContractsCompileError } from './errors.js'
export { demoTokenAbi, demoTokenBytecode } from './generated/DemoToken.js'
export { paymentChannelsAbi, paymentChannelsBytecode } from './generated/PaymentChannels.js'
export { pileRegistryAbi, pileRegistryBytecode } from './generated/PileRegistry.js'
export { sessionEscrowAbi, sessionEscrowBytecode } from './generated/SessionEscrow.js'
