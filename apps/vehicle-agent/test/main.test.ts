import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const example = fileURLToPath(new URL('../examples/car.lab.json', import.meta.url))
const piExample = fileURLToPath(new URL('../examples/car.pi.json', import.meta.url))

const address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const deployment = {
  version: 1,
  chainId: 31337,
  startBlock: 1,
  contracts: { pileRegistry: address, sessionEscrow: address, paymentChannels: address },
  arbiter: address,
  settleWindow: 120,
  disputeWindow: 600,
  challengePeriod: 600,
  deployer: address,
  deployedAt: '2025-01-01T00:00:00.000Z',
}

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { code: result.status, stderr: result.stderr }
}

async function configFile(value: unknown) {
  const path = join(await mkdtemp(join(tmpdir(), 'vehicle-agent-')), 'car.json')
  await writeFile(path, JSON.stringify(value))
  return path
}

describe('vehicle-agent main', () => {
  it('exits 2 with usage when --config is missing', () => {
    const { code, stderr } = run()
    expect(code).toBe(2)
    expect(stderr).toMatch(/--config <file>/)
  })

  it('exits 2 naming the missing file', () => {
    const { code, stderr } = run('--config', '/nonexistent/pile.json')
    expect(code).toBe(2)
    expect(stderr).toMatch(/\/nonexistent\/pile\.json: file not found/)
  })

  it('exits 2 listing every bad field by path', async () => {
    const path = await configFile({
      vehicle: {
        payment: { maxPricePerKWh: '1', deposit: '1' },
        chain: { chainId: 'one', deployment: './d.json' },
      },
      key: { devPrivateKey: '0x12' },
      journal: './j',
      hardware: { driver: 'wireless' },
      link: { tcp: { port: 7000 } },
    })
    const { code, stderr } = run('--config', path)
    expect(code).toBe(2)
    expect(stderr).toMatch(/vehicle\.chain\.chainId: expected number, got "one"/)
    expect(stderr).toMatch(/hardware\.driver/)
    expect(stderr).toMatch(/key/)
  })

  it('exits 2 saying the linux drivers are not available yet', async () => {
    const pi = JSON.parse(await readFile(piExample, 'utf8'))
    pi.vehicle.chain.deployment = deployment
    const { code, stderr } = run('--config', await configFile(pi))
    expect(code).toBe(2)
    expect(stderr).toMatch(/linux hardware drivers are not available yet/)
  })

  it('accepts the lab example up to the missing deployment file', () => {
    const { code, stderr } = run('--config', example)
    expect(code).toBe(2)
    expect(stderr).toMatch(/deployment\.json/)
  })
})
