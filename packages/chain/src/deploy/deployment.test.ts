import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeploymentNotFoundError, InvalidDeploymentError } from '../errors/deployment.js'
import { type Deployment, parseDeployment, readDeployment, writeDeployment } from './deployment.js'

const manifest: Deployment = {
  version: 2,
  chainId: 31337,
  startBlock: 1,
  contracts: {
    pileRegistry: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    sessionEscrow: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    paymentChannels: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
  },
  arbiter: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  settleWindow: 3600,
  disputeWindow: 86_400,
  challengePeriod: 86_400,
  deployer: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  deployedAt: '2025-01-01T00:00:00.000Z',
}

describe('deployment manifest', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chargechain-deployment-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('round-trips through a file', async () => {
    const path = join(dir, 'deployment.json')
    await writeDeployment(path, manifest)
    expect(await readDeployment(path)).toEqual(manifest)
  })

  it('checksums lower-case addresses on read', () => {
    const lower = { ...manifest, arbiter: manifest.arbiter.toLowerCase() }
    expect(parseDeployment(lower).arbiter).toBe(manifest.arbiter)
  })

  it('names the bad field', () => {
    const cases: [unknown, string][] = [
      [{ ...manifest, chainId: -1 }, 'chainId'],
      [
        { ...manifest, contracts: { ...manifest.contracts, sessionEscrow: '0x1234' } },
        'contracts.sessionEscrow',
      ],
      [{ ...manifest, settleWindow: 1.5 }, 'settleWindow'],
      [{ ...manifest, disputeWindow: 0 }, 'disputeWindow'],
      [{ ...manifest, challengePeriod: 365 * 24 * 3600 + 1 }, 'challengePeriod'],
      [{ ...manifest, version: 1 }, 'version'],
      [{ ...manifest, deployedAt: 'yesterday' }, 'deployedAt'],
      [(({ arbiter: _, ...rest }) => rest)(manifest), 'arbiter'],
    ]
    for (const [json, field] of cases) {
      const error = (() => {
        try {
          parseDeployment(json, 'test.json')
        } catch (e) {
          return e as InvalidDeploymentError
        }
      })()
      expect(error).toBeInstanceOf(InvalidDeploymentError)
      expect(error?.field).toBe(field)
      expect(error?.shortMessage).toContain(`test.json is invalid: ${field}:`)
    }
  })

  it('refuses a version-1 manifest with what to do', () => {
    expect(() => parseDeployment({ ...manifest, version: 1 }, 'old.json')).toThrow(/redeploy/)
  })

  it('reports a missing file and a file that is not JSON', async () => {
    await expect(readDeployment(join(dir, 'missing.json'))).rejects.toBeInstanceOf(DeploymentNotFoundError)
    const path = join(dir, 'broken.json')
    await writeFile(path, '{"version":')
    await expect(readDeployment(path)).rejects.toThrow(/not JSON/)
  })
})
