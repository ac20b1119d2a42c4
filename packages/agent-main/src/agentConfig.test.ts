import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { ConfigError } from '@chargechain/agent-core'
import { DeploymentNotFoundError, deploymentSchema, keySourceSchema } from '@chargechain/chain'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { loadAgentConfig } from './agentConfig.js'
import { remoteDriverSchema } from './drivers.js'
import { placeholderDeployment, writeConfigFile } from './testing/index.js'

const schema = z.strictObject({
  journal: z.string(),
  key: keySourceSchema,
  hardware: z.discriminatedUnion('driver', [
    remoteDriverSchema,
    z.strictObject({ driver: z.literal('simulated') }),
  ]),
  chain: z.strictObject({ deployment: z.union([z.string(), deploymentSchema]) }),
  ledger: z.string(),
})

const options = {
  deployment: (config: z.output<typeof schema>) => config.chain.deployment,
  resolvePaths: (config: z.output<typeof schema>, here: (path: string) => string) => ({
    ...config,
    ledger: here(config.ledger),
  }),
}

describe('loadAgentConfig', () => {
  it('resolves every path relative to the file and reads the deployment file', async () => {
    const path = await writeConfigFile(
      {
        journal: 'state/agent.journal',
        key: { keystore: '../keys/agent.json' },
        hardware: { driver: 'remote', socket: 'hw.sock' },
        chain: { deployment: 'deployments/devnet.json' },
        ledger: 'channels.ledger',
      },
      'agent.json',
    )
    const directory = dirname(path)
    await mkdir(join(directory, 'deployments'))
    await writeFile(join(directory, 'deployments/devnet.json'), JSON.stringify(placeholderDeployment))

    const { config, deployment } = await loadAgentConfig(path, schema, options)
    expect(config).toEqual({
      journal: join(directory, 'state/agent.journal'),
      key: { keystore: join(dirname(directory), 'keys/agent.json'), passwordEnv: 'CHARGECHAIN_KEY_PASSWORD' },
      hardware: { driver: 'remote', socket: join(directory, 'hw.sock') },
      chain: { deployment: 'deployments/devnet.json' },
      ledger: join(directory, 'channels.ledger'),
    })
    expect(deployment).toMatchObject({ chainId: 31337, contracts: placeholderDeployment.contracts })
  })

  it('keeps an inline deployment, a dev key, absolute paths and drivers without files as they are', async () => {
    const devPrivateKey = `0x${'11'.repeat(32)}`
    const path = await writeConfigFile({
      journal: '/var/lib/chargechain/agent.journal',
      key: { devPrivateKey },
      hardware: { driver: 'simulated' },
      chain: { deployment: placeholderDeployment },
      ledger: '/var/lib/chargechain/channels.ledger',
    })
    const { config, deployment } = await loadAgentConfig(path, schema, options)
    expect(config).toMatchObject({
      journal: '/var/lib/chargechain/agent.journal',
      key: { devPrivateKey },
      hardware: { driver: 'simulated' },
      ledger: '/var/lib/chargechain/channels.ledger',
    })
    expect(deployment.chainId).toBe(31337)
  })

  it('names a missing deployment file and a config that does not validate', async () => {
    const path = await writeConfigFile({
      journal: 'agent.journal',
      key: { devPrivateKey: `0x${'11'.repeat(32)}` },
      hardware: { driver: 'simulated' },
      chain: { deployment: 'missing.json' },
      ledger: 'channels.ledger',
    })
    await expect(loadAgentConfig(path, schema, options)).rejects.toThrow(DeploymentNotFoundError)
    const invalid = await writeConfigFile({ journal: 'agent.journal', ledger: 7 })
    await expect(loadAgentConfig(invalid, schema, options)).rejects.toThrow(ConfigError)
  })
})
