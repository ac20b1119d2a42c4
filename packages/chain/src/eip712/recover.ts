import { type Address, type Hex, type RecoverTypedDataAddressParameters, recoverTypedDataAddress } from 'viem'
import { InvalidSignatureError } from '../errors/eip712.js'
import { normalizeSignature } from './signature.js'

/** Recovers the signer of typed data from a 64- or 65-byte signature; an unrecoverable signature is a typed error. */
export async function recoverSigner(
  parameters: Omit<RecoverTypedDataAddressParameters, 'signature'> & { signature: Hex },
): Promise<Address> {
  const signature = normalizeSignature(parameters.signature)
  try {
    return await recoverTypedDataAddress({ ...parameters, signature } as RecoverTypedDataAddressParameters)
  } catch (error) {
    throw new InvalidSignatureError('no public key recovers from it', error)
  }
}
