import type { Address, Hex } from 'viem'
import type { ChargeChainReadClient } from '../../clients/types.js'
import { paymentChannelsAbi } from '../../contracts/abis.js'
import type { ChainUnavailableError, ContractRevertedError } from '../../errors/contract.js'
import { read } from '../internal/read.js'

export type GetChannelParameters = { channelId: Hex }
export type ChannelState = 'none' | 'open' | 'closing' | 'closed'
export type GetChannelReturnType = {
  channelId: Hex
  status: ChannelState
  vehicle: Address
  operator: Address
  currency: Address
  deposit: bigint
  /** Cumulative amount already paid to the operator. */
  settled: bigint
  /** What the operator can still be paid: deposit − settled. */
  remaining: bigint
  /** End of the challenge period once closing was requested (unix seconds), else 0. */
  closesAt: number
}
export type GetChannelErrorType = ContractRevertedError | ChainUnavailableError

const statuses: readonly ChannelState[] = ['none', 'open', 'closing', 'closed']

export async function getChannel(
  client: ChargeChainReadClient,
  { channelId }: GetChannelParameters,
): Promise<GetChannelReturnType> {
  const [channel, status] = await read(client, {
    address: client.deployment.contracts.paymentChannels,
    abi: paymentChannelsAbi,
    functionName: 'getChannel',
    args: [channelId],
  })
  return {
    channelId,
    status: statuses[status] ?? 'none',
    vehicle: channel.vehicle,
    operator: channel.operator,
    currency: channel.currency,
    deposit: channel.deposit,
    settled: channel.settled,
    remaining: channel.deposit - channel.settled,
    closesAt: channel.closesAt,
  }
}
