import { type Address, type Hex, parseAbi, parseSignature } from 'viem'
import { getBlock, readContract, signTypedData } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { requireAccount, type WriteOptions } from '../internal/submit.js'
import { toContractError } from '../internal/toContractError.js'

// The standard EIP-2612 and ERC-5267 views, valid for any permit token, not only ours.
const permitTokenAbi = parseAbi([
  'function nonces(address owner) view returns (uint256)',
  'function name() view returns (string)',
  'function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)',
])

const permitTypes = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const

export type SignPermitParameters = Pick<WriteOptions, 'account'> & {
  token: Address
  spender: Address
  value: bigint
  /** Unix seconds; one hour after the latest block by default (chain time, which may differ from this clock). */
  deadline?: bigint
}
export type SignPermitReturnType = { deadline: bigint; v: number; r: Hex; s: Hex }

/** Signs an EIP-2612 permit letting `spender` take `value` of `token` from the signer. */
export async function signPermit(
  client: ChargeChainReadClient,
  { token, spender, value, deadline, ...options }: SignPermitParameters,
): Promise<SignPermitReturnType> {
  const account = requireAccount(client, options, 'signPermit')
  let domain: { name: string; version: string; chainId: number; verifyingContract: Address }
  let nonce: bigint
  let resolvedDeadline: bigint
  try {
    resolvedDeadline = deadline ?? (await getBlock(client, { blockTag: 'latest' })).timestamp + 3600n
    nonce = await readContract(client, {
      address: token,
      abi: permitTokenAbi,
      functionName: 'nonces',
      args: [account.address],
    })
    domain = await tokenDomain(client, token)
  } catch (error) {
    throw toContractError(error, 'permit')
  }
  const signature = await signTypedData(client, {
    account,
    domain,
    types: permitTypes,
    primaryType: 'Permit',
    message: { owner: account.address, spender, value, nonce, deadline: resolvedDeadline },
  })
  const { r, s, yParity } = parseSignature(signature)
  return { deadline: resolvedDeadline, v: 27 + yParity, r, s }
}

async function tokenDomain(client: ChargeChainReadClient, token: Address) {
  try {
    const [, name, version, chainId, verifyingContract] = await readContract(client, {
      address: token,
      abi: permitTokenAbi,
      functionName: 'eip712Domain',
    })
    return { name, version, chainId: Number(chainId), verifyingContract }
  } catch {
    // Pre-ERC-5267 permit tokens: the common convention is version "1".
    const name = await readContract(client, { address: token, abi: permitTokenAbi, functionName: 'name' })
    return { name, version: '1', chainId: client.deployment.chainId, verifyingContract: token }
  }
}
