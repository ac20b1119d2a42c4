import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnAgent } from '@chargechain/agent-core/testing'
import { describe, expect, it } from 'vitest'
import { runMain, writeConfigFile } from './testing/index.js'

const script = fileURLToPath(new URL('./fixtures/scriptedAgent.ts', import.meta.url))

async function config(setup: string, run: string) {
  const journal = join(await mkdtemp(join(tmpdir(), 'scripted-agent-')), 'agent.journal')
  return writeConfigFile({ setup, run, journal, log: { level: 'info' } }, 'agent.json')
}

const messages = (logs: readonly { msg?: string }[]) => logs.map((line) => line.msg)

describe('runAgentMain', () => {
  it('exits 2 with usage when --config is missing, and 0 for --help', () => {
    const missing = runMain(script)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/required option '--config <file>'/)
    const help = runMain(script, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Usage: scripted-agent \[options\]/)
  })

  it('exits 2 naming a missing or invalid config file, on stderr', async () => {
    const missing = runMain(script, ['--config', '/nonexistent/agent.json'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^scripted-agent: Config \/nonexistent\/agent\.json: file not found/)
    const invalid = runMain(script, ['--config', await writeConfigFile({ setup: 'fly' })])
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toMatch(/setup: expected "ok" \| "driver unavailable" \| "crash", got "fly"/)
  })

  it('exits 2 for a configuration problem in setup and 1 for any other failure, on stderr', async () => {
    const unavailable = runMain(script, ['--config', await config('driver unavailable', 'wait')])
    expect(unavailable).toMatchObject({ code: 2, stdout: '' })
    expect(unavailable.stderr).toMatch(/^scripted-agent: No such driver here\./)
    const crash = runMain(script, ['--config', await config('crash', 'wait')])
    expect(crash).toMatchObject({ code: 1, stderr: 'scripted-agent: setup crashed\n', stdout: '' })
  })

  it('logs a failure while running, releases everything, and exits 1 (2 for the agent own config errors)', async () => {
    const crash = spawnAgent({ script, args: ['--config', await config('ok', 'crash')] })
    expect(await crash.exited).toEqual({ code: 1, signal: null })
    expect(messages(crash.logs)).toEqual([
      'scripted agent starting',
      'The agent crashed.',
      'link released',
      'hardware released',
      'scripted agent stopped',
    ])
    expect(crash.logs.at(-1)).toMatchObject({ name: 'scripted-agent', exitCode: 1 })

    const option = spawnAgent({ script, args: ['--config', await config('ok', 'option error')] })
    expect(await option.exited).toEqual({ code: 2, signal: null })
    expect(option.logs.at(-1)).toMatchObject({ msg: 'scripted agent stopped', exitCode: 2 })
  })

  it.each(['SIGTERM', 'SIGINT'] as const)('stops on %s, closes the journal and exits 0', async (signal) => {
    const agent = spawnAgent({ script, args: ['--config', await config('ok', 'wait')] })
    await agent.waitForLog((line) => line.msg === 'scripted agent starting')
    expect(await agent.kill(signal)).toEqual({ code: 0, signal: null })
    expect(messages(agent.logs)).toEqual([
      'scripted agent starting',
      'stopping',
      'link released',
      'hardware released',
      'scripted agent stopped',
    ])
    expect(agent.logs[1]).toMatchObject({ signal })
    expect(agent.logs[2]).toMatchObject({ journalClosed: true })
    expect(agent.logs.at(-1)).toMatchObject({ exitCode: 0 })
  })

  it('stops with exit code 1 when the hardware is lost', async () => {
    const agent = spawnAgent({ script, args: ['--config', await config('ok', 'lose hardware')] })
    expect(await agent.exited).toEqual({ code: 1, signal: null })
    expect(messages(agent.logs)).toEqual([
      'scripted agent starting',
      'hardware connection lost; stopping',
      'link released',
      'hardware released',
      'scripted agent stopped',
    ])
    expect(agent.logs[1]).toMatchObject({ err: { message: 'socket closed' } })
  })
})
