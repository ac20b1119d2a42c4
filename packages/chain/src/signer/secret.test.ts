// The one secret reader of every config (the keystore password, a pile's OCPP password): the file wins and loses one
// trailing newline; else the variable, unset or empty being missing; failures are the caller's configuration error.
// Breaks tried (seen failing, restored): `text.replace(/\r?\n$/, '')` → `text` (the newline becomes part of the
// secret); `value === undefined || value === ''` → `value === undefined` (an empty variable passes as a secret).
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BaseError } from '@chargechain/errors'
import { describe, expect, it } from 'vitest'
import { readSecret } from './secret.js'

class TestConfigError extends BaseError {
  override readonly name = 'TestConfigError'
}

const options = (env: NodeJS.ProcessEnv) => ({
  purpose: 'the password of charger CP-1',
  error: TestConfigError,
  env,
})

describe('readSecret', () => {
  it('reads the file before the variable, without its one trailing newline', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'chargechain-secret-')), 'password')
    await writeFile(file, 'from the file\n\n')
    expect(await readSecret({ file, variable: 'PW' }, options({ PW: 'from the variable' }))).toBe(
      'from the file\n',
    )
    await writeFile(file, 'from the file\r\n')
    expect(await readSecret({ file, variable: 'PW' }, options({}))).toBe('from the file')
    expect(await readSecret({ variable: 'PW' }, options({ PW: 'from the variable' }))).toBe(
      'from the variable',
    )
  })

  it("throws the caller's error naming the file or the variable and what the secret is for", async () => {
    const missing = readSecret({ file: '/nonexistent/password', variable: 'PW' }, options({ PW: 'x' }))
    await expect(missing).rejects.toBeInstanceOf(TestConfigError)
    await expect(missing).rejects.toThrow(
      /\/nonexistent\/password, the file holding the password of charger CP-1/,
    )
    for (const env of [{}, { PW: '' }]) {
      const unset = readSecret({ variable: 'PW' }, options(env))
      await expect(unset).rejects.toBeInstanceOf(TestConfigError)
      await expect(unset).rejects.toThrow(
        'Environment variable PW is not set; set it to the password of charger CP-1.',
      )
    }
  })
})
