import {
  type Chain,
  type Client,
  createClient,
  defineChain,
  http,
  type PublicActions,
  publicActions,
  type Transport,
  type WalletActions,
  walletActions,
} from 'viem'
import type { Deployment } from '../deploy/deployment.js'
import type { Signer } from '../signer/signer.js'
import { type ChargeChainActions, chargeChainActions } from './decorators/chargeChain.js'

export type CreateChargeChainClientParameters = {
  deployment: Deployment
  /** Either an RPC URL (HTTP) or any viem transport. */
  rpcUrl?: string
  transport?: Transport
  /** The key that signs transactions; a read-only client without it. */
  signer?: Signer
  /** The viem chain; one is derived from the deployment's chain id by default. */
  chain?: Chain
  /** How often to poll for receipts and events (ms). */
  pollingInterval?: number
}

export type ChargeChainClient = Client<Transport, Chain> & {
  readonly deployment: Deployment
} & PublicActions<Transport, Chain> &
  WalletActions<Chain> &
  ChargeChainActions

/** A viem client bound to one ChargeChain deployment, with every ChargeChain action on it. */
export function createChargeChainClient({
  deployment,
  rpcUrl,
  transport,
  signer,
  chain,
  pollingInterval,
}: CreateChargeChainClientParameters): ChargeChainClient {
  const resolvedChain =
    chain ??
    defineChain({
      id: deployment.chainId,
      name: `ChargeChain (chain ${deployment.chainId})`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: rpcUrl ? [rpcUrl] : [] } },
    })
  return createClient({
    chain: resolvedChain,
    transport: transport ?? http(rpcUrl),
    account: signer?.account,
    pollingInterval,
    key: 'chargeChain',
    name: 'ChargeChain Client',
  })
    .extend(() => ({ deployment }))
    .extend(publicActions)
    .extend(walletActions)
    .extend(chargeChainActions)
}
