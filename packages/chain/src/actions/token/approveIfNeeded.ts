import { type Address, erc20Abi } from 'viem'
import { readContract } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { requireAccount, submit, type WriteOptions } from '../internal/submit.js'
import { toContractError } from '../internal/toContractError.js'

export type ApproveIfNeededParameters = WriteOptions & { token: Address; spender: Address; amount: bigint }

/** Approves `spender` for exactly `amount` unless the allowance already covers it (for tokens without permit). */
export async function approveIfNeeded(
  client: ChargeChainReadClient,
  { token, spender, amount, ...options }: ApproveIfNeededParameters,
): Promise<void> {
  const owner = requireAccount(client, options, 'approve').address
  let allowance: bigint
  try {
    allowance = await readContract(client, {
      address: token,
      abi: erc20Abi,
      functionName: 'allowance',
      args: [owner, spender],
    })
  } catch (error) {
    throw toContractError(error, 'allowance')
  }
  if (allowance >= amount) return
  await submit(
    client,
    { ...options, onTransactionHash: undefined },
    {
      address: token,
      abi: erc20Abi,
      functionName: 'approve',
      args: [spender, amount],
    },
  )
}
