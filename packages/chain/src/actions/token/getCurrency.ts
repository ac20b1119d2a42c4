import { type Address, erc20Abi, zeroAddress } from 'viem'
import { readContract } from 'viem/actions'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { toContractError } from '../internal/toContractError.js'

export type GetCurrencyParameters = { currency: Address }
export type GetCurrencyReturnType = { address: Address; symbol: string; decimals: number; native: boolean }

/** Symbol and decimals of a currency: the chain's native coin for the zero address, else the ERC-20's own. */
export async function getCurrency(
  client: ChargeChainReadClient,
  { currency }: GetCurrencyParameters,
): Promise<GetCurrencyReturnType> {
  if (currency === zeroAddress) {
    const native = client.chain?.nativeCurrency ?? { symbol: 'ETH', decimals: 18 }
    return { address: currency, symbol: native.symbol, decimals: native.decimals, native: true }
  }
  try {
    const [symbol, decimals] = await Promise.all([
      readContract(client, { address: currency, abi: erc20Abi, functionName: 'symbol' }),
      readContract(client, { address: currency, abi: erc20Abi, functionName: 'decimals' }),
    ])
    return { address: currency, symbol, decimals, native: false }
  } catch (error) {
    throw toContractError(error, 'decimals')
  }
}
