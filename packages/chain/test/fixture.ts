import { type DevChain, startAnvil } from '@chargechain/devchain'
import { defined } from '@chargechain/errors'
import { createTestClient, createWalletClient, http, parseEther } from 'viem'
import { foundry } from 'viem/chains'
import { createChargeChainClient } from '../src/clients/createChargeChainClient.js'
import { demoTokenAbi } from '../src/contracts/abis.js'
import { deployChargeChain } from '../src/deploy/deployChargeChain.js'
import type { Deployment } from '../src/deploy/deployment.js'
import { privateKeySigner } from '../src/signer/signer.js'

export const windows = { settleWindow: 3600, disputeWindow: 86_400, challengePeriod: 7200 }

/** One anvil per test file, everything deployed, a client per role. */
export async function startFixture() {
  const chain = await startAnvil({ accounts: 8 })
  const signers = chain.privateKeys.map((key) => privateKeySigner(key))
  const signer = (index: number) => {
    const found = signers[index]
    if (!found) throw new Error(`anvil has no account ${index}`)
    return found
  }
  const rpcUrl = chain.rpcUrl
  const clientFor = (index: number, deployment: Deployment) =>
    createChargeChainClient({ deployment, rpcUrl, signer: signer(index), pollingInterval: 50 })

  const deployer = createWalletClient({
    account: signer(0).account,
    chain: foundry,
    transport: http(rpcUrl),
    pollingInterval: 50,
  })
  const deployment = await deployChargeChain(deployer, {
    arbiter: signer(0).address,
    ...windows,
    demoToken: true,
  })
  const roles = {
    arbiter: clientFor(0, deployment),
    owner: clientFor(1, deployment),
    agent: clientFor(2, deployment),
    vehicle: clientFor(3, deployment),
    payout: clientFor(4, deployment),
    other: clientFor(5, deployment),
  }
  const token = defined(deployment.contracts.demoToken, 'the demo token deployed with demoToken: true')
  await roles.arbiter.writeContract({
    address: token,
    abi: demoTokenAbi,
    functionName: 'mint',
    args: [signer(3).address, parseEther('1000')],
    account: signer(0).account,
    chain: roles.arbiter.chain,
  })
  const testClient = createTestClient({ mode: 'anvil', transport: http(rpcUrl) })
  return {
    chain,
    deployment,
    token,
    signer,
    clientFor,
    ...roles,
    /** The local (signing) account behind a role's client. */
    localAccount(client: (typeof roles)['owner']) {
      const account = client.account
      if (account?.type !== 'local') throw new Error('fixture clients always hold a local account')
      return account
    },
    /** Moves chain time forward and mines a block. */
    async passTime(seconds: number) {
      await testClient.increaseTime({ seconds })
      await testClient.mine({ blocks: 1 })
    },
    stop: () => chain.stop(),
  }
}

export type Fixture = Awaited<ReturnType<typeof startFixture>>
export type { DevChain }
