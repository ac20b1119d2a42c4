import { describe, expect, it } from 'vitest'
import { BaseError } from './base.js'

class PortBusyError extends BaseError {
  override readonly name = 'PortBusyError'
}

describe('BaseError', () => {
  it('keeps the short message, details, cause and retryable flag', () => {
    const cause = new Error('EBUSY')
    const error = new PortBusyError('Serial port /dev/ttyUSB0 is busy; close the other program using it.', {
      details: 'opened twice',
      cause,
      retryable: true,
    })
    expect(error.name).toBe('PortBusyError')
    expect(error.shortMessage).toMatch(/busy/)
    expect(error.message).toContain('Details: opened twice')
    expect(error.cause).toBe(cause)
    expect(error.retryable).toBe(true)
    expect(error).toBeInstanceOf(Error)
  })

  it('is not retryable unless said so', () => {
    expect(new PortBusyError('x').retryable).toBe(false)
  })
})
