import { randomBytes } from 'node:crypto'
import { type Address, bytesToHex, getAddress, type Hex, isAddressEqual, type LocalAccount } from 'viem'
import { assertAddress, assertBytes, assertChainId } from '../utils/assert.js'
import { recoverSigner } from './recover.js'

/**
 * The car proves it holds its key by signing the pile's fresh nonce. Bound to the chain and the PileRegistry
 * deployment, so a signature made for one network or one deployment is worthless on another.
 */
export const vehicleAuthDomainName = 'ChargeChain'
export const vehicleAuthDomainVersion = '1'
export const vehicleAuthTypes = {
  VehicleAuth: [
    { name: 'pileId', type: 'bytes32' },
    { name: 'nonce', type: 'bytes16' },
  ],
} as const

export type VehicleAuthMessage = {
  /** The pile asking (bytes32). */
  pileId: Hex
  /** The pile's fresh random challenge (16 bytes); a pile never accepts one twice. */
  nonce: Hex
}

export interface VehicleAuthContext {
  chainId: number
  /** The PileRegistry the pile belongs to. */
  registry: Address
}

export function vehicleAuthDomain({ chainId, registry }: VehicleAuthContext) {
  assertChainId('VehicleAuth', chainId)
  assertAddress('VehicleAuth', 'registry', registry)
  return {
    name: vehicleAuthDomainName,
    version: vehicleAuthDomainVersion,
    chainId,
    verifyingContract: getAddress(registry),
  } as const
}

/** A fresh 16-byte challenge from the OS's CSPRNG. */
export function createVehicleAuthNonce(): Hex {
  return bytesToHex(randomBytes(16))
}

export type SignVehicleAuthParameters = VehicleAuthContext & VehicleAuthMessage & { account: LocalAccount }

/** Signs the pile's challenge with the car's key; returns the 65-byte signature. */
export async function signVehicleAuth({ account, ...parameters }: SignVehicleAuthParameters): Promise<Hex> {
  return account.signTypedData({
    domain: vehicleAuthDomain(parameters),
    types: vehicleAuthTypes,
    primaryType: 'VehicleAuth',
    message: vehicleAuthMessage(parameters),
  })
}

export type RecoverVehicleAuthParameters = VehicleAuthContext & VehicleAuthMessage & { signature: Hex }

/** The address that signed this challenge (64- or 65-byte signature). A different context recovers another address. */
export async function recoverVehicleAuth(parameters: RecoverVehicleAuthParameters): Promise<Address> {
  return recoverSigner({
    domain: vehicleAuthDomain(parameters),
    types: vehicleAuthTypes,
    primaryType: 'VehicleAuth',
    message: vehicleAuthMessage(parameters),
    signature: parameters.signature,
  })
}

export type VerifyVehicleAuthParameters = RecoverVehicleAuthParameters & { address: Address }

export async function verifyVehicleAuth(parameters: VerifyVehicleAuthParameters): Promise<boolean> {
  return isAddressEqual(await recoverVehicleAuth(parameters), parameters.address)
}

function vehicleAuthMessage({ pileId, nonce }: VehicleAuthMessage): VehicleAuthMessage {
  assertBytes('VehicleAuth', 'pileId', pileId, 32)
  assertBytes('VehicleAuth', 'nonce', nonce, 16)
  return { pileId, nonce }
}
