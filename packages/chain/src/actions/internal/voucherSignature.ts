import type { Hex } from 'viem'
import { normalizeSignature } from '../../eip712/signature.js'

/** The contract ignores the signature of a zero voucher; otherwise it takes the 65-byte form. */
export function voucherSignature(amount: bigint, signature: Hex | undefined): Hex {
  if (amount === 0n && !signature) return '0x'
  return normalizeSignature(signature ?? '0x')
}
