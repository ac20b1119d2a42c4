import { ConfigError, JournalIoError, JournalVersionError } from '@chargechain/agent-core'
import { DeploymentNotFoundError, WrongPasswordError } from '@chargechain/chain'
import { BaseError } from '@chargechain/errors'
import { describe, expect, it } from 'vitest'
import { HardwareDriverUnavailableError } from './errors.js'
import { isConfigurationProblem } from './problems.js'

class PileAgentOptionError extends BaseError {
  override readonly name = 'PileAgentOptionError'
}

describe('isConfigurationProblem', () => {
  it('holds for config, driver, key and deployment errors, by type', () => {
    expect(isConfigurationProblem(new ConfigError('a.json', 'file not found'))).toBe(true)
    expect(isConfigurationProblem(new HardwareDriverUnavailableError('no linux drivers'))).toBe(true)
    expect(isConfigurationProblem(new WrongPasswordError('car.json'))).toBe(true)
    expect(isConfigurationProblem(new DeploymentNotFoundError('deployment.json'))).toBe(true)
    const newer = { schema: 'pile', version: 3 }
    expect(
      isConfigurationProblem(new JournalVersionError('pile.journal', newer, { schema: 'pile', version: 2 })),
    ).toBe(true)
  })

  it("holds for an agent's own errors only when it names their class", () => {
    const error = new PileAgentOptionError('no meter')
    expect(isConfigurationProblem(error)).toBe(false)
    expect(isConfigurationProblem(error, [PileAgentOptionError])).toBe(true)
  })

  it('does not hold for failures a restart may cure, nor for other errors of the same name', () => {
    expect(isConfigurationProblem(new JournalIoError('disk full'))).toBe(false)
    expect(isConfigurationProblem(Object.assign(new Error('x'), { name: 'WrongPasswordError' }))).toBe(false)
    expect(isConfigurationProblem('ConfigError')).toBe(false)
  })
})
