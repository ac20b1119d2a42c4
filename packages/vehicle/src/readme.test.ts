import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { withDiagram } from './readme.js'

describe('README', () => {
  it('shows the current state diagram (run `npm run diagram` in this package after changing the machine)', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    expect(withDiagram(readme)).toBe(readme)
  })
})
