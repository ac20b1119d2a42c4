// One suite for every agent's main program (as hardware's contract suites): pile-agent and vehicle-agent run it on their
// own main, examples and config sections. Break tried: GpioToolMissingError left out of pile-agent's configuration
// errors — the libgpiod case exits 1, not 2, and fails.
import { readFile } from 'node:fs/promises'
import { createFakeGpioChip } from '@chargechain/hardware-linux/testing'
import { describe, expect, it } from 'vitest'
import { placeholderDeployment, runMain, writeConfigFile } from './mainProcess.js'

export interface AgentMainSuiteOptions {
  /** `pile-agent`: the suite's name. */
  name: string
  /** The main program's script. */
  main: string
  /** The lab example config, whose deployment file is missing where the test runs it. */
  labExample: string
  /** The Raspberry Pi example config, with libgpiod outputs. */
  piExample: string
  /** The config section holding the agent's own settings and its `chain` (`pile`, `vehicle`). */
  agentSection: string
  /** That section's required settings besides `chain`, valid. */
  agentSettings?: Record<string, unknown>
  /** The hardware section whose outputs libgpiod drives (`gpio`, `lights`). */
  gpioSection: string
}

/**
 * The checks every agent's main program makes before its agent runs, each in a child process: usage, a missing or
 * invalid config file, missing or v1 libgpiod tools; each exits 2 saying what to fix.
 */
export function describeAgentMain(options: AgentMainSuiteOptions): void {
  const { main, agentSection, gpioSection } = options
  const run = (...args: string[]) => runMain(main, args)

  describe(`${options.name} main`, () => {
    it('exits 2 with usage when --config is missing', () => {
      const { code, stderr } = run()
      expect(code).toBe(2)
      expect(stderr).toMatch(/--config <file>/)
    })

    it('exits 2 naming the missing file', () => {
      const { code, stderr } = run('--config', '/nonexistent/agent.json')
      expect(code).toBe(2)
      expect(stderr).toMatch(/\/nonexistent\/agent\.json: file not found/)
    })

    it('exits 2 listing every bad field by path', async () => {
      const path = await writeConfigFile({
        [agentSection]: { ...options.agentSettings, chain: { chainId: 'one', deployment: './d.json' } },
        key: { devPrivateKey: '0x12' },
        journal: './j',
        hardware: { driver: 'wireless' },
        link: { tcp: { port: 7000 } },
      })
      const { code, stderr } = run('--config', path)
      expect(code).toBe(2)
      expect(stderr).toContain(`${agentSection}.chain.chainId: expected number, got "one"`)
      expect(stderr).toMatch(/hardware\.driver/)
      expect(stderr).toMatch(/key/)
    })

    it('exits 2 saying what to install when the libgpiod tools are missing or v1', async () => {
      const pi = JSON.parse(await readFile(options.piExample, 'utf8'))
      pi[agentSection].chain.deployment = placeholderDeployment
      const withTools = (dir: string) => {
        pi.hardware[gpioSection] = { ...pi.hardware[gpioSection], tools: { dir } }
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
      const { code, stderr } = run('--config', options.labExample)
      expect(code).toBe(2)
      expect(stderr).toMatch(/deployment\.json/)
    })
  })
}
