import { type Address, type Hex, zeroAddress } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { pileRegistryAbi } from '../../contracts/abis.js'
import type {
  ChainUnavailableError,
  ContractRevertedError,
  TransactionRevertedError,
} from '../../errors/contract.js'
import { submit, type WriteOptions, type WriteResult } from '../internal/submit.js'

export type SetTariffParameters = WriteOptions & {
  pileId: Hex
  /** ERC-20 token; the native coin when omitted. */
  currency?: Address
  pricePerKWh: bigint
}
export type SetTariffReturnType = WriteResult
export type SetTariffErrorType = ContractRevertedError | TransactionRevertedError | ChainUnavailableError

/** Changes the pile's currency and price (owner only); open sessions keep their tariff. */
export function setTariff(
  client: ChargeChainReadClient,
  { pileId, currency = zeroAddress, pricePerKWh, ...options }: SetTariffParameters,
): Promise<SetTariffReturnType> {
  return submit(client, options, {
    address: client.deployment.contracts.pileRegistry,
    abi: pileRegistryAbi,
    functionName: 'setTariff',
    args: [pileId, currency, pricePerKWh],
  })
}
