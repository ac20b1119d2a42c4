// Security profiles at the upgrade: profile 1 refuses an unknown charger id, a wrong or missing password and a
// client without the ocpp1.6 subprotocol before the websocket opens, and a changed password takes effect at the
// next connection despite the verification cache; profile 2 takes wss: with a self-signed certificate and refuses
// plain ws: when TLS is required.
// Breaks tried, each failing here: accept when `known` matches the HMAC alone, without comparing the stored hash
// ("a new password replaces the old one" connects with the old one); drop the `encrypted` check ("refuses ws:").
import type { Database } from '@chargechain/db'
import { setChargerPassword } from '@chargechain/db'
import { testEngines } from '@chargechain/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRawCharger, UpgradeRefused } from '../testing/rawCharger.js'
import { addTestCharger, type ServedOcpp, selfSignedCertificate, serveOcpp } from '../testing/serve.js'
import { hashChargerPassword } from './auth.js'

const refusal = async (opening: Promise<unknown>) => {
  const error = await opening.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  return error instanceof UpgradeRefused ? error.status : error
}

for (const engine of testEngines) {
  describe(`OCPP security on ${engine.name}`, () => {
    let database: Database
    let served: ServedOcpp
    const password = 'profile-one-password-16'

    beforeAll(async () => {
      database = await engine.open()
      await addTestCharger(database, 'CP-SEC', password)
      await addTestCharger(database, 'CP-TLS', password)
      served = await serveOcpp(database)
    })
    afterAll(async () => {
      await served?.close()
      await database?.close()
    })

    it('profile 1: refuses unknown ids, wrong or missing passwords and a missing subprotocol at the upgrade', async () => {
      const { endpoint } = served
      expect(await refusal(openRawCharger({ endpoint, identity: 'CP-NOBODY', password }))).toBe(401)
      expect(
        await refusal(openRawCharger({ endpoint, identity: 'CP-SEC', password: 'wrong-password-xyz' })),
      ).toBe(401)
      expect(await refusal(openRawCharger({ endpoint, identity: 'CP-SEC' }))).toBe(401)
      expect(
        await refusal(openRawCharger({ endpoint, identity: 'CP-SEC', password, protocols: ['ocpp2.0.1'] })),
      ).toBe(400)
      expect(
        await refusal(
          openRawCharger({ endpoint: endpoint.replace('/ocpp', '/other'), identity: 'CP-SEC', password }),
        ),
      ).toBe(404)
      const charger = await openRawCharger({ endpoint, identity: 'CP-SEC', password })
      expect(charger.socket.protocol).toBe('ocpp1.6')
      expect(await charger.call('Heartbeat', {})).toMatchObject({ ok: true })
      await charger.close()
    })

    it('a new password replaces the old one at the next connection', async () => {
      const { endpoint } = served
      // Connected once with the old password above: its check is cached.
      const next = 'profile-one-password-17'
      await setChargerPassword(database.db, 'CP-SEC', await hashChargerPassword(next), {
        accountId: null,
        name: 'test',
      })
      expect(await refusal(openRawCharger({ endpoint, identity: 'CP-SEC', password }))).toBe(401)
      const charger = await openRawCharger({ endpoint, identity: 'CP-SEC', password: next })
      await charger.close()
    })

    it('profile 2: wss with a self-signed certificate works; ws is refused when TLS is required', async () => {
      const { cert, key } = selfSignedCertificate()
      const secure = await serveOcpp(database, { cert, key, tls: true })
      const plain = await serveOcpp(database, { tls: true })
      try {
        const identity = 'CP-SEC'
        const next = 'profile-one-password-17'
        const charger = await openRawCharger({
          endpoint: secure.endpoint,
          identity,
          password: next,
          ca: cert,
        })
        expect(secure.endpoint.startsWith('wss://')).toBe(true)
        expect(
          await charger.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }),
        ).toMatchObject({ ok: true, payload: { status: 'Accepted' } })
        await charger.close()
        const untrusted = await refusal(
          openRawCharger({ endpoint: secure.endpoint, identity, password: next }),
        )
        expect(untrusted).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
        expect(await refusal(openRawCharger({ endpoint: plain.endpoint, identity, password: next }))).toBe(
          403,
        )
      } finally {
        await secure.close()
        await plain.close()
      }
    })
  })
}
