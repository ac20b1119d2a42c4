import { demoTokenAbi, paymentChannelsAbi, pileRegistryAbi, sessionEscrowAbi } from '@chargechain/contracts'

const allItems = [...pileRegistryAbi, ...sessionEscrowAbi, ...paymentChannelsAbi, ...demoTokenAbi] as const
type ErrorItem = Extract<(typeof allItems)[number], { type: 'error' }>

/** Every custom error any ChargeChain contract (or the OpenZeppelin code in it) can revert with. */
export type ChargeChainErrorName = ErrorItem['name']

/**
 * All custom errors in one ABI: a revert that bubbles up from another contract (the registry called by the escrow,
 * a token called for a deposit) still decodes by name.
 */
export const chargeChainErrorAbi = allItems.filter((item): item is ErrorItem => item.type === 'error')

export { demoTokenAbi, paymentChannelsAbi, pileRegistryAbi, sessionEscrowAbi }
