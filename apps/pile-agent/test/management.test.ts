// The pile's OCPP password comes through the one secret reader of every config (@chargechain/chain's readSecret):
// an unset variable or an unreadable file is a ManagementConfigError (exit code 2) naming the charger.
// Break tried (seen failing, restored): management.ts `error: ManagementConfigError` → `error: KeyLoadError`.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { silent } from '../../../packages/pile/test/fixture.js'
import { ManagementConfigError } from '../src/errors.js'
import { connectManagement, managementSchema } from '../src/management.js'

describe("the management server's password", () => {
  it('is a ManagementConfigError naming the charger when neither file nor variable gives it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'pile-management-'))
    const config = managementSchema.parse({
      url: 'ws://127.0.0.1:9/ocpp',
      identity: 'CP-1',
      queue: join(directory, 'ocpp.queue'),
    })
    const unset = connectManagement(config, silent, { CHARGECHAIN_OCPP_PASSWORD: '' })
    await expect(unset).rejects.toBeInstanceOf(ManagementConfigError)
    await expect(unset).rejects.toThrow(
      'Environment variable CHARGECHAIN_OCPP_PASSWORD is not set; set it to the password of charger CP-1.',
    )
    const unreadable = connectManagement({ ...config, passwordFile: join(directory, 'missing') }, silent, {})
    await expect(unreadable).rejects.toBeInstanceOf(ManagementConfigError)
    await expect(unreadable).rejects.toThrow(/missing, the file holding the password of charger CP-1/)
  })
})
