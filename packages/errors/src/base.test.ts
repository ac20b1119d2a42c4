import { describe, expect, it } from 'vitest'
import { BaseError, walk } from './base.js'

class PortBusyError extends BaseError {
  override readonly name = 'PortBusyError'
}

class WrappedError extends BaseError {
  override readonly name = 'WrappedError'
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

describe('walk', () => {
  const busy = new PortBusyError('busy', { cause: new Error('EBUSY') })
  const wrapped = new WrappedError('could not start', { cause: busy })

  it('finds an error by class anywhere in the cause chain, outermost first', () => {
    expect(wrapped.walk((error) => error instanceof PortBusyError)).toBe(busy)
    expect(walk(new Error('outer', { cause: wrapped }), (error) => error instanceof BaseError)).toBe(wrapped)
  })

  it('gives undefined when nothing matches, and the innermost cause without a match function', () => {
    expect(wrapped.walk((error) => error instanceof TypeError)).toBeUndefined()
    expect(wrapped.walk()).toBe(busy.cause)
    expect(walk('not an error', (error) => error === 'x')).toBeUndefined()
  })

  it('ends on a cycle', () => {
    const looped = new WrappedError('loop')
    Object.defineProperty(looped, 'cause', { value: looped })
    expect(looped.walk((error) => error instanceof PortBusyError)).toBeUndefined()
  })
})
