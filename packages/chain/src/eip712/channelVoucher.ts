import { type Address, getAddress, type Hex, isAddressEqual, type LocalAccount } from 'viem'
import { assertAddress, assertBytes, assertChainId, assertUint } from '../utils/assert.js'
import { recoverSigner } from './recover.js'

export const channelsDomainName = 'ChargeChain Channels'
export const channelsDomainVersion = '1'
export const channelVoucherTypes = {
  ChannelVoucher: [
    { name: 'channelId', type: 'bytes32' },
    { name: 'cumulativeAmount', type: 'uint256' },
  ],
} as const

/** Cumulative over the channel's whole life, across every session at the operator's piles. */
export type ChannelVoucherMessage = {
  channelId: Hex
  cumulativeAmount: bigint
}

export interface ChannelsContext {
  chainId: number
  channels: Address
}

export function channelsDomain({ chainId, channels }: ChannelsContext) {
  assertChainId('ChannelVoucher', chainId)
  assertAddress('ChannelVoucher', 'channels', channels)
  return {
    name: channelsDomainName,
    version: channelsDomainVersion,
    chainId,
    verifyingContract: getAddress(channels),
  } as const
}

export type SignChannelVoucherParameters = ChannelsContext & ChannelVoucherMessage & { account: LocalAccount }

export async function signChannelVoucher({
  account,
  ...parameters
}: SignChannelVoucherParameters): Promise<Hex> {
  return account.signTypedData({
    domain: channelsDomain(parameters),
    types: channelVoucherTypes,
    primaryType: 'ChannelVoucher',
    message: channelVoucherMessage(parameters),
  })
}

export type RecoverChannelVoucherSignerParameters = ChannelsContext &
  ChannelVoucherMessage & { signature: Hex }

export async function recoverChannelVoucherSigner(
  parameters: RecoverChannelVoucherSignerParameters,
): Promise<Address> {
  return recoverSigner({
    domain: channelsDomain(parameters),
    types: channelVoucherTypes,
    primaryType: 'ChannelVoucher',
    message: channelVoucherMessage(parameters),
    signature: parameters.signature,
  })
}

export type VerifyChannelVoucherParameters = RecoverChannelVoucherSignerParameters & { vehicle: Address }

export async function verifyChannelVoucher(parameters: VerifyChannelVoucherParameters): Promise<boolean> {
  return isAddressEqual(await recoverChannelVoucherSigner(parameters), parameters.vehicle)
}

function channelVoucherMessage({
  channelId,
  cumulativeAmount,
}: ChannelVoucherMessage): ChannelVoucherMessage {
  assertBytes('ChannelVoucher', 'channelId', channelId, 32)
  assertUint('ChannelVoucher', 'cumulativeAmount', cumulativeAmount, 256)
  return { channelId, cumulativeAmount }
}
