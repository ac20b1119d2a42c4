import { type Address, encodeAbiParameters, type Hex, keccak256, stringToBytes } from 'viem'
import { InvalidParameterError } from '../errors/parameters.js'
import { assertAddress, assertBytes } from './assert.js'

/** The registry's bytes32 device id for a management-system device id (DMID): keccak256 of its UTF-8 bytes. */
export function dmidToBytes32(dmid: string): Hex {
  if (dmid.trim().length === 0)
    throw new InvalidParameterError('dmidToBytes32', 'dmid', 'a non-empty device id')
  return keccak256(stringToBytes(dmid))
}

/**
 * The id `PileRegistry.pileIdOf` gives the pile `registrant` registers with the bytes32 device id `dmid`:
 * keccak256(abi.encode(registrant, dmid)). Derived from the registrant, so nobody else can take it.
 */
export function pileIdOf(registrant: Address, dmid: Hex): Hex {
  assertAddress('pileIdOf', 'registrant', registrant)
  assertBytes('pileIdOf', 'dmid', dmid, 32)
  return keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'bytes32' }], [registrant, dmid]))
}

/** The pile id of the pile `registrant` registers for the DMID string `dmid`. */
export function pileIdFromDmid(registrant: Address, dmid: string): Hex {
  return pileIdOf(registrant, dmidToBytes32(dmid))
}
