import { BaseError } from '@chargechain/errors'

export class InvalidSignatureError extends BaseError {
  override readonly name = 'InvalidSignatureError'
  constructor(problem: string, cause?: unknown) {
    super(`Invalid signature: ${problem}; expect 65 bytes r‖s‖v or 64 bytes EIP-2098 compact.`, { cause })
  }
}
