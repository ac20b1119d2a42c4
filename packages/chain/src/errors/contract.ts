import { BaseError } from '@chargechain/errors'
import type { Hash } from 'viem'
import type { ChargeChainErrorName } from '../contracts/abis.js'

/**
 * What each custom error of the contracts (and the OpenZeppelin code they use) means to the person who hit it.
 * Typed by the generated ABIs: a new custom error in the contracts fails the type check until it has a sentence.
 */
export const revertMessages = {
  // PileRegistry
  UnknownPile: 'No pile with this id is registered; check the pile id or register it first.',
  PileExists:
    'You already registered a pile with this device id; manage the existing pile or register another device id.',
  NotPileOwner: "Only the pile's owner can change it; sign with the owner's key.",
  ZeroAddress: 'An address parameter is the zero address; give a real address.',
  // Money in and out
  WrongValue:
    'The coin sent with the transaction does not match the deposit; send exactly the deposit (native) or none (token).',
  NotAToken: 'A permit only works for an ERC-20 currency; this pile or channel takes the native coin.',
  UnsupportedToken:
    'The token delivered less than the amount transferred (fee-on-transfer); use another currency.',
  InsufficientBalance:
    'Your withdrawable balance is too small for this deposit; deposit from your wallet instead.',
  NothingToWithdraw: 'There is no withdrawable balance in this currency for this account.',
  NativeTransferFailed: 'The recipient refused the native coin; withdraw to another address.',
  ZeroAmount: 'The amount must be more than zero.',
  WindowOutOfRange: 'A waiting period must be from 1 second to 365 days; deploy with a window in that range.',
  SafeCastOverflowedUintDowncast: 'A value is too large for the contract; use a smaller amount or window.',
  // SessionEscrow
  TermsChanged:
    "The pile's terms on chain are not the ones accepted (the owner changed them); read them again and decide anew.",
  SessionExists: 'This session already exists; open the new one with another salt.',
  SessionNotOpen: 'The session is not open: it was never opened, or it was already settled or refunded.',
  NotSettler:
    "Only the session's pile agent or payout (or the agent its owner reassigned it to) can settle it; sign with that key.",
  NotVehicle: 'Only the vehicle that opened the session can ask for a refund; sign with the vehicle key.',
  NotArbiter: "Only the escrow's arbiter can decide disputes; sign with the arbiter key.",
  VoucherExceedsDeposit: 'The voucher is for more than the deposit; settle with at most the deposit.',
  VoucherExceedsPrice: "The voucher amount is above the session tariff's cost of its energy and time.",
  InvalidVoucherSigner: 'The voucher was not signed by the vehicle (wrong key, session, contract or chain).',
  RefundDeadlinePassed: "The vehicle's refund deadline has passed; the session can no longer be settled.",
  RefundAlreadyRequested:
    'A refund was already requested for this session; wait for the settle window to end.',
  RefundNotRequested:
    'Request a refund first (`requestRefund`); the pile then has the settle window to settle.',
  RefundNotYetAvailable: "The pile's settle window has not ended yet; try the refund after it.",
  ClaimNotAboveVoucher: "The claimed energy is not above the voucher's; settle with the voucher instead.",
  ClaimExceedsCredit: "The claimed energy beyond the voucher is more than the session's credit.",
  ClaimExceedsDeposit: 'The claimed extra is more than what is left of the deposit after the voucher.',
  ClaimExceedsPrice:
    'The claimed extra is more than the tariff price of the energy claimed beyond the voucher.',
  DisputeNotFound: 'No dispute is held for this session (never opened, or already decided or expired).',
  DisputeWindowClosed: 'The dispute window has closed; the held amount can only return to the vehicle now.',
  DisputeStillOpen: 'The dispute window is still open; it can be expired only after its deadline.',
  DecisionExceedsClaim: 'The arbiter cannot award the pile more than the held claim.',
  EmptyBatch: 'The batch is empty; give at least one session to settle.',
  // PaymentChannels
  ChannelExists: 'A channel with these parameters exists or existed; open the new one with another salt.',
  ChannelNotOpen: 'The channel is not open: it was never opened or it is closed.',
  NotChannelVehicle: 'Only the vehicle that opened the channel can do this; sign with the vehicle key.',
  NotChannelOperator: "Only the channel's operator can settle it; sign with the operator's payout key.",
  VoucherNotNewer: 'This voucher is not above what was already settled; settle a newer voucher.',
  CloseAlreadyRequested: 'Closing was already requested; close the channel once the challenge period ends.',
  CloseNotRequested:
    'Request closing first (`requestClose`); the operator then has the challenge period to settle.',
  ChallengePeriodNotOver: 'The challenge period has not ended yet; close the channel after it.',
  ChallengePeriodOver: 'The challenge period is over; the channel can only be closed now.',
  // DemoToken and OpenZeppelin
  NotMinter: 'Only the demo token deployer can mint.',
  ERC20InsufficientBalance: 'The token balance is too small for this deposit; get more tokens first.',
  ERC20InsufficientAllowance: 'The contract may not take this many tokens; approve it or use a permit.',
  ERC20InvalidSender: 'The token refuses transfers from the zero address.',
  ERC20InvalidReceiver: 'The token refuses transfers to this receiver.',
  ERC20InvalidApprover: 'The token refuses approvals from the zero address.',
  ERC20InvalidSpender: 'The token refuses approvals for the zero address.',
  ERC2612ExpiredSignature: 'The permit deadline has passed; sign a new permit.',
  ERC2612InvalidSigner: 'The permit was not signed by the depositing account; sign it with that key.',
  InvalidAccountNonce: 'The permit nonce is stale; sign a new permit.',
  ECDSAInvalidSignature: 'The signature is invalid (no signer recovers from it).',
  ECDSAInvalidSignatureLength: 'The signature has the wrong length; send 65 bytes r‖s‖v or 64 bytes compact.',
  ECDSAInvalidSignatureS: 'The signature is malleable (high s); sign again with a standard signer.',
  SafeERC20FailedOperation: 'The token transfer failed; check the token balance and allowance.',
  ReentrancyGuardReentrantCall: 'Reentrant call refused.',
  StringTooLong: 'A string in the contract is too long.',
  InvalidShortString: 'A short string in the contract is invalid.',
} as const satisfies Record<ChargeChainErrorName, string>

// Reverts that only mean "not yet": the same call succeeds once chain time has passed a deadline.
const retryableReasons: ReadonlySet<string> = new Set<ChargeChainErrorName>([
  'RefundNotYetAvailable',
  'DisputeStillOpen',
  'ChallengePeriodNotOver',
])

/** A contract call reverted with a known custom error; `reason` is its name and `args` its decoded arguments. */
export class ContractRevertedError extends BaseError {
  override readonly name = 'ContractRevertedError'
  readonly reason: ChargeChainErrorName | 'Error' | 'Panic' | 'Unknown'
  readonly args: readonly unknown[]
  readonly functionName: string
  constructor(parameters: {
    functionName: string
    reason: ContractRevertedError['reason']
    args?: readonly unknown[]
    message: string
    cause?: unknown
  }) {
    const args = parameters.args ?? []
    super(parameters.message, {
      details: `${parameters.functionName} reverted with ${parameters.reason}(${args.map(String).join(', ')})`,
      cause: parameters.cause,
      retryable: retryableReasons.has(parameters.reason),
    })
    this.reason = parameters.reason
    this.args = args
    this.functionName = parameters.functionName
  }
}

/** A mined transaction failed without a reason the simulation could have shown (e.g. out of gas, a reorg's new state). */
export class TransactionRevertedError extends BaseError {
  override readonly name = 'TransactionRevertedError'
  readonly hash: Hash
  constructor(functionName: string, hash: Hash) {
    super(`The ${functionName} transaction ${hash} was mined but reverted; check its state and retry.`)
    this.hash = hash
  }
}

/** The RPC node could not be reached or timed out: nothing happened on chain, the same call may work later. */
export class ChainUnavailableError extends BaseError {
  override readonly name = 'ChainUnavailableError'
  constructor(cause: unknown) {
    super('The chain RPC did not answer; check --rpc and the node, then retry.', { cause, retryable: true })
  }
}

export class SignerRequiredError extends BaseError {
  override readonly name = 'SignerRequiredError'
  constructor(action: string) {
    super(
      `${action} sends a transaction and needs a key; create the client with a signer or pass \`account\`.`,
    )
  }
}
