import {
  type ChargeChainClient,
  createChargeChainClient,
  type Deployment,
  loadSignerFromConfig,
} from '@chargechain/chain'
import { type ChannelLedger, type ChannelSettlePolicy, openFileChannelLedger } from '@chargechain/pile'
import type { PileAgentConfig } from './config.js'

/**
 * The file channel ledger of a pile that is its own operator. Settling is idempotent: a voucher the chain already
 * holds (a settle mined just before a crash) sends nothing.
 */
export async function openChannelLedger(
  channels: NonNullable<PileAgentConfig['channels']>,
  policy: ChannelSettlePolicy,
  deployment: Deployment,
  rpcUrl: string,
): Promise<ChannelLedger> {
  const operator: ChargeChainClient = createChargeChainClient({
    deployment,
    rpcUrl,
    signer: await loadSignerFromConfig(channels.operatorKey),
  })
  return openFileChannelLedger(channels.ledger, {
    policy,
    settle: async (voucher) => {
      const channel = await operator.getChannel({ channelId: voucher.channelId })
      if (channel.settled >= voucher.cumulativeAmount) return undefined
      const { hash } = await operator.settleChannel({
        channelId: voucher.channelId,
        cumulativeAmount: voucher.cumulativeAmount,
        signature: voucher.signature,
      })
      return hash
    },
  })
}
