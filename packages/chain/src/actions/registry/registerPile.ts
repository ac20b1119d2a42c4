import { type Address, type Hex, zeroAddress } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type RegisterPileParameters = WriteOptions & {
  pileId: Hex
  /** Where the pile's earnings go. */
  payout: Address
  /** The pile Pi's hot key, allowed to settle sessions. */
  agent: Address
  /** ERC-20 token; the native coin when omitted. */
  currency?: Address
  /** Smallest currency unit per kWh. */
  pricePerKWh: bigint
}
export type RegisterPileReturnType = WriteResult
export type RegisterPileErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Registers a pile owned by the signing account. */
export function registerPile(
  client: ChargeChainReadClient,
  { pileId, payout, agent, currency = zeroAddress, pricePerKWh, ...options }: RegisterPileParameters,
): Promise<RegisterPileReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'registerPile',
    args: [pileId, payout, agent, currency, pricePerKWh],
  })
}
