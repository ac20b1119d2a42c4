import type { ChargeChainClient } from '@chargechain/chain'
import type { ChannelSettler } from './types.js'

/** What the settler needs of a client signed by the channels' operator. */
export type ChannelOperatorClient = Pick<ChargeChainClient, 'getChannel' | 'settleChannel'>

/**
 * The ledger's settler on chain, with `operator` signing. Idempotent as the ledger requires: a voucher the chain
 * already holds (a settle mined just before a crash, or by another process of the operator) sends nothing.
 */
export function chainChannelSettler(operator: ChannelOperatorClient): ChannelSettler {
  return async ({ channelId, cumulativeAmount, signature }) => {
    const channel = await operator.getChannel({ channelId })
    if (channel.settled >= cumulativeAmount) return undefined
    const { hash } = await operator.settleChannel({ channelId, cumulativeAmount, signature })
    return hash
  }
}
