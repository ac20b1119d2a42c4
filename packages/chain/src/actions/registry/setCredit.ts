import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type SetCreditParameters = WriteOptions & {
  pileId: Hex
  /** Wh the pile delivers ahead of the car's vouchers; caps what a claim can hold. */
  creditWh: number
}
export type SetCreditReturnType = WriteResult
export type SetCreditErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Changes the pile's credit (owner only) for sessions opened from now on. */
export function setCredit(
  client: ChargeChainReadClient,
  { pileId, creditWh, ...options }: SetCreditParameters,
): Promise<SetCreditReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'setCredit',
    args: [pileId, creditWh],
  })
}
