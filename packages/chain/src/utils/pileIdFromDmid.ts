import { type Hex, keccak256, stringToBytes } from 'viem'
import { InvalidParameterError } from '../errors/parameters.js'

/** The registry's bytes32 pile id for a management-system device id (DMID): keccak256 of its UTF-8 bytes. */
export function pileIdFromDmid(dmid: string): Hex {
  if (dmid.trim().length === 0)
    throw new InvalidParameterError('pileIdFromDmid', 'dmid', 'a non-empty device id')
  return keccak256(stringToBytes(dmid))
}
