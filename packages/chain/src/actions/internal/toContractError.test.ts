import { createServer } from 'node:net'
import { http } from 'viem'
import { describe, expect, it } from 'vitest'
import { createChargeChainClient } from '../../clients/createChargeChainClient.js'
import { parseDeployment } from '../../deploy/deployment.js'
import { ChainUnavailableError, ContractRevertedError } from '../../errors/contract.js'
import { pileIdFromDmid } from '../../utils/pileIdFromDmid.js'

const deployment = parseDeployment({
  version: 2,
  chainId: 31337,
  startBlock: 0,
  contracts: {
    pileRegistry: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    sessionEscrow: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    paymentChannels: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
  },
  arbiter: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  settleWindow: 1,
  disputeWindow: 1,
  challengePeriod: 1,
  deployer: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  deployedAt: '2025-01-01T00:00:00.000Z',
})

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('chain errors', () => {
  it('an unreachable node is a retryable ChainUnavailableError', async () => {
    const client = createChargeChainClient({
      deployment,
      transport: http(`http://127.0.0.1:${await closedPort()}`, { retryCount: 0 }),
    })
    const error = await client
      .getPile({ pileId: pileIdFromDmid(deployment.deployer, 'x') })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChainUnavailableError)
    expect((error as ChainUnavailableError).retryable).toBe(true)
  })

  it('marks "not yet" reverts retryable and the rest not', () => {
    const tooNew = new ContractRevertedError({
      functionName: 'refund',
      reason: 'RefundNotYetAvailable',
      message: 'x',
    })
    const notOwner = new ContractRevertedError({
      functionName: 'setTariff',
      reason: 'NotPileOwner',
      message: 'x',
    })
    expect(tooNew.retryable).toBe(true)
    expect(notOwner.retryable).toBe(false)
    expect(notOwner.details).toBe('setTariff reverted with NotPileOwner()')
  })
})
