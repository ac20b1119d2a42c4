import { BaseError } from '@chargechain/errors'
import { describe, expect, it } from 'vitest'
import { ConfigError, HardwareDriverUnavailableError, JournalIoError } from '../errors.js'
import { isConfigurationProblem } from './problems.js'

class WrongPasswordError extends BaseError {
  override readonly name = 'WrongPasswordError'
}
class PileAgentOptionError extends BaseError {
  override readonly name = 'PileAgentOptionError'
}

describe('isConfigurationProblem', () => {
  it('holds for config, driver and key errors, by name', () => {
    expect(isConfigurationProblem(new ConfigError('a.json', 'file not found'))).toBe(true)
    expect(isConfigurationProblem(new HardwareDriverUnavailableError('no linux drivers'))).toBe(true)
    expect(isConfigurationProblem(new WrongPasswordError('wrong password'))).toBe(true)
  })

  it("holds for an agent's own errors only when it names them", () => {
    const error = new PileAgentOptionError('no meter')
    expect(isConfigurationProblem(error)).toBe(false)
    expect(isConfigurationProblem(error, ['PileAgentOptionError'])).toBe(true)
  })

  it('does not hold for failures a restart may cure, nor for plain errors of the same name', () => {
    expect(isConfigurationProblem(new JournalIoError('disk full'))).toBe(false)
    expect(isConfigurationProblem(Object.assign(new Error('x'), { name: 'WrongPasswordError' }))).toBe(false)
    expect(isConfigurationProblem('ConfigError')).toBe(false)
  })
})
