import type { Account, Chain, Client, Transport } from 'viem'
import type { Deployment } from '../deploy/deployment.js'

/** Any viem client that knows which ChargeChain deployment it talks to: enough for every read action. */
export type ChargeChainReadClient = Client<Transport, Chain | undefined, Account | undefined> & {
  readonly deployment: Deployment
}
