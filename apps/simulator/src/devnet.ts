import {
  type ChargeChainClient,
  createChargeChainClient,
  type Deployment,
  deployChargeChain,
  privateKeySigner,
  type Signer,
} from '@chargechain/chain'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { createWalletClient, type Hex, http, numberToHex, parseEther } from 'viem'
import { foundry } from 'viem/chains'

export interface DevNetOptions {
  /** Seconds a pile keeps to settle after a car's refund request; short on a demo chain. Default 120. */
  settleWindow?: number
  disputeWindow?: number
  challengePeriod?: number
}

/** A running dev chain with ChargeChain deployed, and clients for any key on it. */
export interface DevNet {
  readonly chain: DevChain
  readonly deployment: Deployment
  /** The deployer (anvil's first account), which also mints DemoToken. */
  readonly admin: ChargeChainClient
  readonly deployer: Signer
  /** A client signing with `signer`, bound to the deployment. */
  clientFor(signer: Signer): ChargeChainClient
  /** Gives each address `ether` of native coin, instantly (anvil_setBalance, no transaction). */
  fund(addresses: readonly Hex[], ether?: string): Promise<void>
  stop(): Promise<void>
}

/** Starts anvil, deploys every contract (DemoToken included) and returns clients for it. Stops anvil if deploy fails. */
export async function startDevNet(options: DevNetOptions = {}): Promise<DevNet> {
  // Transactions are mined at once, and a block comes every second even when nobody sends one: the escrow refuses to
  // settle a session in the block it was opened in, and on a quiet dev chain that block would otherwise stay the last.
  const chain = await startAnvil({ blockTime: 1, args: ['--mixed-mining'] })
  try {
    const deployer = privateKeySigner(chain.privateKey(0), 'anvil account 0')
    const deployment = await deployChargeChain(
      createWalletClient({
        account: deployer.account,
        chain: { ...foundry, id: chain.chainId },
        transport: http(chain.rpcUrl),
        pollingInterval: 50,
      }),
      {
        arbiter: deployer.address,
        settleWindow: options.settleWindow ?? 120,
        disputeWindow: options.disputeWindow ?? 600,
        challengePeriod: options.challengePeriod ?? 600,
        demoToken: true,
      },
    )
    const clientFor = (signer: Signer) =>
      createChargeChainClient({ deployment, rpcUrl: chain.rpcUrl, signer, pollingInterval: 50 })
    const admin = clientFor(deployer)
    return {
      chain,
      deployment,
      admin,
      deployer,
      clientFor,
      async fund(addresses, ether = '1000') {
        const balance = numberToHex(parseEther(ether))
        await Promise.all(
          addresses.map((address) => anvilRequest(chain.rpcUrl, 'anvil_setBalance', [address, balance])),
        )
      },
      stop: () => chain.stop(),
    }
  } catch (error) {
    await chain.stop()
    throw error
  }
}

/** Anvil's own RPC methods (not in viem's typed schema). */
async function anvilRequest(rpcUrl: string, method: string, params: unknown[]) {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await response.json()) as { error?: { message: string } }
  if (body.error) throw new Error(`${method} failed: ${body.error.message}`)
}
