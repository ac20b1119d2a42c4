import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { createWalletClient, http } from 'viem'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChargeChainClient } from '../clients/createChargeChainClient.js'
import { sessionEscrowAbi } from '../contracts/abis.js'
import { DeploymentChainMismatchError, InvalidDeploymentError } from '../errors/deployment.js'
import { InvalidParameterError } from '../errors/parameters.js'
import { privateKeySigner } from '../signer/signer.js'
import { deployChargeChain } from './deployChargeChain.js'
import { readDeployment } from './deployment.js'
import { verifyDeployment } from './verifyDeployment.js'

describe('deployChargeChain', () => {
  let chain: DevChain
  let dir: string
  beforeAll(async () => {
    chain = await startAnvil({ accounts: 2 })
    dir = await mkdtemp(join(tmpdir(), 'chargechain-deploy-'))
  })
  afterAll(async () => {
    await chain?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  const wallet = () =>
    createWalletClient({
      account: privateKeySigner(chain.privateKey(0)).account,
      chain: foundry,
      transport: http(chain.rpcUrl),
      pollingInterval: 50,
    })

  it('deploys everything, writes a manifest that reads back, and the contracts hold its settings', async () => {
    const path = join(dir, 'deployment.json')
    const arbiter = privateKeySigner(chain.privateKey(1)).address
    const deployment = await deployChargeChain(wallet(), {
      arbiter,
      settleWindow: 600,
      disputeWindow: 3600,
      challengePeriod: 900,
      demoToken: true,
      path,
    })
    expect(await readDeployment(path)).toEqual(deployment)
    expect(deployment).toMatchObject({ chainId: 31337, arbiter, settleWindow: 600, disputeWindow: 3600 })
    expect(deployment.startBlock).toBeGreaterThan(0)
    expect(deployment.contracts.demoToken).toMatch(/^0x/)

    const client = createChargeChainClient({ deployment, rpcUrl: chain.rpcUrl })
    await verifyDeployment(client)
    const escrow = { address: deployment.contracts.sessionEscrow, abi: sessionEscrowAbi } as const
    expect(await client.readContract({ ...escrow, functionName: 'arbiter' })).toBe(arbiter)
    expect(await client.readContract({ ...escrow, functionName: 'settleWindow' })).toBe(600n)
    expect(await client.readContract({ ...escrow, functionName: 'registry' })).toBe(
      deployment.contracts.pileRegistry,
    )
  })

  it('refuses bad settings before sending anything', async () => {
    const base = {
      arbiter: privateKeySigner(chain.privateKey(0)).address,
      settleWindow: 1,
      disputeWindow: 1,
      challengePeriod: 1,
    }
    for (const bad of [{ settleWindow: 0 }, { disputeWindow: -1 }, { challengePeriod: 365 * 24 * 3600 + 1 }])
      await expect(deployChargeChain(wallet(), { ...base, ...bad })).rejects.toBeInstanceOf(
        InvalidParameterError,
      )
    await expect(deployChargeChain(wallet(), { ...base, arbiter: '0x1234' })).rejects.toThrow(/arbiter/)
  })

  it('verifyDeployment catches a manifest for another chain or with no contract', async () => {
    const deployment = await deployChargeChain(wallet(), {
      arbiter: privateKeySigner(chain.privateKey(0)).address,
      settleWindow: 1,
      disputeWindow: 1,
      challengePeriod: 1,
    })
    const otherChain = createChargeChainClient({
      deployment: { ...deployment, chainId: 1 },
      rpcUrl: chain.rpcUrl,
    })
    await expect(verifyDeployment(otherChain)).rejects.toBeInstanceOf(DeploymentChainMismatchError)
    const empty = createChargeChainClient({
      deployment: {
        ...deployment,
        contracts: { ...deployment.contracts, sessionEscrow: '0x000000000000000000000000000000000000dEaD' },
      },
      rpcUrl: chain.rpcUrl,
    })
    const error = await verifyDeployment(empty).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidDeploymentError)
    expect((error as InvalidDeploymentError).field).toBe('contracts.sessionEscrow')
  })
})
