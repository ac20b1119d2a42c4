import {
  type ChargeChainClient,
  createChargeChainClient,
  type Deployment,
  loadSignerFromConfig,
} from '@chargechain/chain'
import {
  type ChannelLedger,
  type ChannelSettlePolicy,
  chainChannelSettler,
  openFileChannelLedger,
} from '@chargechain/pile'
import type { PileAgentConfig } from './config.js'

/** The file channel ledger of a pile that is its own operator, settling with the operator's key. */
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
    settle: chainChannelSettler(operator),
  })
}
