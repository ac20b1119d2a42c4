import { type Hex, parseSignature, signatureToCompactSignature, zeroHash } from 'viem'
import { normalizeSignature } from '../../eip712/signature.js'

/**
 * A voucher signature (65 or 64 bytes) in the EIP-2098 compact form the escrow takes, `r` and `vs` (yParity ‖ s):
 * 64 fixed bytes cost less calldata than a 65-byte `bytes`. Checked on the way (length, v, low s).
 */
export function compactParts(signature: Hex): { r: Hex; vs: Hex } {
  const { r, yParityAndS } = signatureToCompactSignature(parseSignature(normalizeSignature(signature)))
  return { r, vs: yParityAndS }
}

/** The escrow ignores the signature of a zero voucher (send zeros); any other is required. */
export function voucherSignature(amount: bigint, signature: Hex | undefined): { r: Hex; vs: Hex } {
  if (amount === 0n && !signature) return { r: zeroHash, vs: zeroHash }
  return compactParts(signature ?? '0x')
}
