import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import {
  placeholderDeployment as deployment,
  runMain,
  writeConfigFile,
} from '@chargechain/agent-main/testing'
import { createFakeGpioChip } from '@chargechain/hardware-linux/testing'
import { describe, expect, it } from 'vitest'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const example = fileURLToPath(new URL('../examples/car.lab.json', import.meta.url))
const piExample = fileURLToPath(new URL('../examples/car.pi.json', import.meta.url))

const run = (...args: string[]) => runMain(main, args)

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
    const path = await writeConfigFile({
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

  it('exits 2 saying what to install when the libgpiod tools are missing or v1', async () => {
    const pi = JSON.parse(await readFile(piExample, 'utf8'))
    pi.vehicle.chain.deployment = deployment
    const withTools = async (dir: string) => {
      pi.hardware.lights = { ...pi.hardware.lights, tools: { dir } }
      return writeConfigFile(pi)
    }
    const missing = run('--config', await withTools('/nonexistent-gpiod'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(
      /\/nonexistent-gpiod\/gpioset was not found; install the libgpiod v2 tools/,
    )
    const chip = await createFakeGpioChip()
    try {
      const v1 = runMain(main, ['--config', await withTools(chip.v1ToolsDir)], { env: chip.env })
      expect(v1.code).toBe(2)
      expect(v1.stderr).toMatch(/gpioset is libgpiod v1\.6\.3, but ChargeChain needs the v2 tools/)
    } finally {
      await chip.close()
    }
  })

  it('accepts the lab example up to the missing deployment file', () => {
    const { code, stderr } = run('--config', example)
    expect(code).toBe(2)
    expect(stderr).toMatch(/deployment\.json/)
  })
})
