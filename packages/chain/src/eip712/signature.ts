import {
  compactSignatureToSignature,
  type Hex,
  isHex,
  parseCompactSignature,
  parseSignature,
  type Signature,
  serializeCompactSignature,
  serializeSignature,
  signatureToCompactSignature,
  size,
} from 'viem'
import { InvalidSignatureError } from '../errors/eip712.js'

/** A 65-byte r‖s‖v signature to the 64-byte EIP-2098 form the link sends (one byte less on a 960 B/s line). */
export function toCompactSignature(signature: Hex): Hex {
  return serializeCompactSignature(signatureToCompactSignature(parseSignature(normalizeSignature(signature))))
}

/**
 * Any accepted signature (65-byte r‖s‖v or 64-byte compact) to the 65-byte form that the contracts and viem's
 * recovery take. Rejects other lengths, non-hex, and high-s signatures (malleable; OpenZeppelin's ECDSA refuses them).
 */
export function normalizeSignature(signature: Hex): Hex {
  if (!isHex(signature, { strict: true })) throw new InvalidSignatureError('not 0x-prefixed hex')
  const length = size(signature)
  let parsed: Signature
  try {
    if (length === 64) parsed = compactSignatureToSignature(parseCompactSignature(signature))
    else if (length === 65) parsed = parseSignature(signature)
    else throw new InvalidSignatureError(`${length} bytes long`)
  } catch (error) {
    if (error instanceof InvalidSignatureError) throw error
    throw new InvalidSignatureError('its v byte is neither 27/28 nor 0/1', error)
  }
  if (BigInt(parsed.s) > secp256k1HalfOrder)
    throw new InvalidSignatureError('s is in the upper half of the curve order')
  return serializeSignature(parsed)
}

const secp256k1HalfOrder = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n
