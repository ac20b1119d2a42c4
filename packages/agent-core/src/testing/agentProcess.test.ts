import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AgentProcessError } from '../errors.js'
import { killAgentAtState, spawnAgent } from './agentProcess.js'

const script = fileURLToPath(new URL('./fixtures/settlementAgent.ts', import.meta.url))

async function world() {
  const directory = await mkdtemp(join(tmpdir(), 'crash-'))
  const env = {
    JOURNAL: join(directory, 'agent.journal'),
    LEDGER: join(directory, 'ledger'),
    CHARGE_MS: '50',
    SETTLE_HOLD_MS: '50',
  }
  // The run that gets killed lingers in its states, so the kill lands where the test aims even on a loaded machine.
  const slowCharge = { ...env, CHARGE_MS: '30000' }
  const slowSettle = { ...env, SETTLE_HOLD_MS: '30000' }
  const settlements = async () =>
    (await readFile(env.LEDGER, 'utf8').catch(() => '')).split('\n').filter(Boolean)
  return { env, slowCharge, slowSettle, settlements }
}

describe('an agent killed with SIGKILL and restarted', () => {
  it('resumes at the state it was killed in and finishes exactly once', async () => {
    const { env, slowCharge, settlements } = await world()
    const killed = await killAgentAtState({ script, env: slowCharge }, 'charging')
    expect(killed.exit.signal).toBe('SIGKILL')
    expect(killed.states).toEqual(['idle', 'charging'])

    const restarted = spawnAgent({ script, env })
    expect(await restarted.exited).toEqual({ code: 0, signal: null })
    expect(restarted.states).toEqual(['charging', 'settling', 'done'])
    expect(restarted.logs[0]).toMatchObject({ state: 'charging', resumed: true })
    expect(await settlements()).toHaveLength(1)

    const finished = spawnAgent({ script, env })
    expect(await finished.exited).toEqual({ code: 0, signal: null })
    expect(finished.states).toEqual(['done'])
    expect(await settlements()).toHaveLength(1)
  })

  it('does not repeat an effect that happened just before the kill', async () => {
    const { env, slowSettle, settlements } = await world()
    const agent = spawnAgent({ script, env: slowSettle })
    await agent.waitForLog((line) => line.msg === 'settlement sent')
    await agent.kill()
    expect(await settlements()).toHaveLength(1)

    const restarted = spawnAgent({ script, env })
    await restarted.waitForLog((line) => line.msg === 'already settled')
    expect(await restarted.exited).toEqual({ code: 0, signal: null })
    expect(restarted.states).toEqual(['settling', 'done'])
    expect(await settlements()).toHaveLength(1)
  })

  it('reports an agent that exits before the awaited state', async () => {
    const agent = spawnAgent({ script, env: { JOURNAL: '' } })
    await expect(agent.waitForState('charging')).rejects.toThrow(AgentProcessError)
    await expect(agent.waitForState('charging')).rejects.toThrow(/Set JOURNAL and LEDGER/)
  })
})
