// Remote commands through the REST API to a real OCPP endpoint (packages/ocpp) and a raw-ws charger: the charger's
// answer comes back as 200, its refusal as 409 charger_rejected, and a charger no instance holds as 503
// charger_offline. packages/ocpp's errors are mapped by class (instanceof), so these codes are the API's contract.
// Break tried: mapping ChargerOfflineError by a name it does not have (`error.name === 'OfflineError'`): the
// offline command answers 500 internal.
import { addCharger } from '@chargechain/db'
import { insertPile, testEngines } from '@chargechain/db/testing'
import { hashChargerPassword } from '@chargechain/ocpp'
import { openRawCharger, type RawCharger } from '@chargechain/ocpp/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './testing/harness.js'

const password = 'commands-password-1'

for (const engine of testEngines) {
  describe(`remote commands on ${engine.name}`, () => {
    let t: TestServer
    let onlinePile: number
    let offlinePile: number
    let charger: RawCharger

    beforeAll(async () => {
      t = await startTestServer(engine)
      const actor = { accountId: null, name: 'test' }
      onlinePile = (await insertPile(t.database.db, { dmid: 'DM-ONLINE' })).id
      offlinePile = (await insertPile(t.database.db, { dmid: 'DM-OFFLINE' })).id
      const passwordHash = await hashChargerPassword(password)
      await addCharger(t.database.db, { id: 'CP-ONLINE', pileId: onlinePile, passwordHash }, actor)
      await addCharger(t.database.db, { id: 'CP-OFFLINE', pileId: offlinePile, passwordHash }, actor)
      charger = await openRawCharger({
        endpoint: `${t.url.replace(/^http/, 'ws')}/ocpp`,
        identity: 'CP-ONLINE',
        password,
      })
    }, 60_000)
    afterAll(async () => {
      await charger?.close()
      await t?.close()
    })

    it("answers 200 with the charger's answer", async () => {
      charger.answer('Reset', () => ({ status: 'Accepted' }))
      const answer = await t.admin.json('POST', `/api/piles/${onlinePile}/commands/reset`, { type: 'Soft' })
      expect(answer).toEqual({ status: 200, body: { result: { status: 'Accepted' } } })
      expect(charger.received).toEqual([['Reset', { type: 'Soft' }]])
    })

    it('answers 409 charger_rejected when the charger refuses', async () => {
      charger.answer('UnlockConnector', () => ({ status: 'UnlockFailed' }))
      const answer = await t.admin.json<{ error: { code: string } }>(
        'POST',
        `/api/piles/${onlinePile}/commands/unlock`,
        { connector: 1 },
      )
      expect([answer.status, answer.body.error.code]).toEqual([409, 'charger_rejected'])
    })

    it('answers 503 charger_offline for a charger no instance holds', async () => {
      const answer = await t.admin.json<{ error: { code: string; message: string } }>(
        'POST',
        `/api/piles/${offlinePile}/commands/reset`,
        { type: 'Hard' },
      )
      expect([answer.status, answer.body.error.code]).toEqual([503, 'charger_offline'])
      expect(answer.body.error.message).toContain('CP-OFFLINE is not connected')
    })
  })
}
