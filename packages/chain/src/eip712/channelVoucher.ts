import { channelDomain, channelVoucherTypes } from '@chargechain/contracts'
import { type Address, getAddress, type Hex, isAddressEqual, type LocalAccount } from 'viem'
import { assertAddress, assertBytes, assertChainId, assertUint } from '../utils/assert.js'
import { recoverSigner } from './recover.js'

/** Cumulative over the channel's whole life, across every session at the operator's piles. */
export type ChannelVoucherMessage = {
  channelId: Hex
  cumulativeAmount: bigint
}

export interface ChannelsContext {
  chainId: number
  channels: Address
}

/** The channels contract's EIP-712 domain; name and version from @chargechain/contracts. */
export function channelVoucherDomain({ chainId, channels }: ChannelsContext) {
  assertChainId('ChannelVoucher', chainId)
  assertAddress('ChannelVoucher', 'channels', channels)
  return { ...channelDomain, chainId, verifyingContract: getAddress(channels) } as const
}

export type SignChannelVoucherParameters = ChannelsContext & ChannelVoucherMessage & { account: LocalAccount }

export async function signChannelVoucher({
  account,
  ...parameters
}: SignChannelVoucherParameters): Promise<Hex> {
  return account.signTypedData({
    domain: channelVoucherDomain(parameters),
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
    domain: channelVoucherDomain(parameters),
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

export { channelVoucherTypes }
