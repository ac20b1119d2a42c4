import { type Address, encodeAbiParameters, getAbiItem, type Hex, keccak256 } from 'viem'
import { paymentChannelsAbi } from '../../contracts/abis.js'

const channelIdParameters = getAbiItem({ abi: paymentChannelsAbi, name: 'channelIdOf' }).inputs

/**
 * The id a channel gets, computed locally exactly as `PaymentChannels.channelIdOf`: a car that journaled its salt
 * finds its channel again after a restart without searching logs.
 */
export function channelIdOf(vehicle: Address, operator: Address, currency: Address, salt: Hex): Hex {
  return keccak256(encodeAbiParameters(channelIdParameters, [vehicle, operator, currency, salt]))
}
