import type { Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import type { Tariff } from '../../terms/terms.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type SetTariffParameters = WriteOptions & { pileId: Hex; tariff: Tariff }
export type SetTariffReturnType = WriteResult
export type SetTariffErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Changes the pile's tariff (owner only); sessions opened before keep the terms they bound. */
export function setTariff(
  client: ChargeChainReadClient,
  { pileId, tariff, ...options }: SetTariffParameters,
): Promise<SetTariffReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'setTariff',
    args: [pileId, tariff],
  })
}
