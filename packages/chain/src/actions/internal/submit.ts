import type {
  Abi,
  Account,
  Chain,
  ContractFunctionArgs,
  ContractFunctionName,
  Hash,
  SimulateContractParameters,
  TransactionReceipt,
  WriteContractParameters,
} from 'viem'
import { simulateContract, waitForTransactionReceipt, writeContract } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { SignerRequiredError, TransactionRevertedError } from '../../errors/contract.js'
import { toContractError } from './toContractError.js'

/** Options every state-changing action takes. */
export interface WriteOptions {
  /** Signs and pays instead of the client's account. */
  account?: Account
  /**
   * Called with the hash as soon as the node accepted the transaction, before it is mined: an agent journals it
   * here so that after a crash it looks the transaction up instead of sending a second one.
   */
  onTransactionHash?: (hash: Hash) => void | Promise<void>
  /** Blocks to wait for after inclusion (1 = mined). */
  confirmations?: number
}

export interface WriteResult {
  hash: Hash
  receipt: TransactionReceipt
}

type WriteMutability = 'nonpayable' | 'payable'

/** The call to make (contract, function, arguments, value), checked against the ABI; the account is the signer's. */
export type ContractWrite<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, WriteMutability>,
  args extends ContractFunctionArgs<abi, WriteMutability, functionName>,
> = SimulateContractParameters<abi, functionName, args, Chain | undefined, undefined, Account>

/**
 * Simulates the call first (a revert costs no gas and arrives decoded), sends it, and waits for a successful
 * receipt. Every failure comes out as one of our typed errors.
 */
export async function submit<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, WriteMutability>,
  const args extends ContractFunctionArgs<abi, WriteMutability, functionName>,
>(
  client: ChargeChainReadClient,
  options: WriteOptions,
  call: ContractWrite<abi, functionName, args>,
): Promise<WriteResult> {
  const account = requireAccount(client, options, call.functionName)
  let hash: Hash
  try {
    const { request } = await simulateContract<
      Chain | undefined,
      Account | undefined,
      abi,
      functionName,
      args,
      undefined,
      Account
    >(client, { ...call, account })
    // viem types `request` against an ABI cut down to the one function, which its own writeContract generics cannot
    // take back while `abi` is still a type parameter; the value is exactly what simulateContract built for writing.
    hash = await writeContract(client, request as WriteContractParameters)
  } catch (error) {
    throw toContractError(error, call.functionName)
  }
  await options.onTransactionHash?.(hash)
  let receipt: TransactionReceipt
  try {
    receipt = await waitForTransactionReceipt(client, { hash, confirmations: options.confirmations ?? 1 })
  } catch (error) {
    throw toContractError(error, call.functionName)
  }
  if (receipt.status !== 'success') throw new TransactionRevertedError(call.functionName, hash)
  return { hash, receipt }
}

export function requireAccount(
  client: ChargeChainReadClient,
  options: WriteOptions,
  action: string,
): Account {
  const account = options.account ?? client.account
  if (!account) throw new SignerRequiredError(action)
  return account
}
