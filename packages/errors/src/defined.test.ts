// Guards: `defined` returns present values (0, '' and false included) and throws MissingValueError naming the value
// for null and undefined. Break tried: `if (!value)` instead of the null/undefined check fails the falsy-values case.
import { describe, expect, it } from 'vitest'
import { BaseError } from './base.js'
import { defined, MissingValueError } from './defined.js'

describe('defined', () => {
  it('returns a present value unchanged, falsy ones included', () => {
    const item = { id: 1 }
    expect(defined(item, 'the item')).toBe(item)
    expect(defined(0, 'a count')).toBe(0)
    expect(defined('', 'a label')).toBe('')
    expect(defined(false, 'a flag')).toBe(false)
  })

  it('throws MissingValueError naming what was missing for undefined and null', () => {
    const list: number[] = []
    expect(() => defined(list[0], 'the first reading')).toThrow(MissingValueError)
    expect(() => defined(null, 'the account')).toThrow(/^the account is missing/)
    const thrown = (() => {
      try {
        defined(undefined, 'the pile')
      } catch (error) {
        return error
      }
    })()
    expect(thrown).toBeInstanceOf(BaseError)
    expect(thrown).toMatchObject({
      shortMessage:
        'the pile is missing, though the code relies on it; this is a bug, report it with the steps that led here.',
    })
  })
})
