// `chargechain-server start` runs its own OCPP endpoint: real child processes of the installed command on one PGlite
// folder. An admin and a charger are set up with the CLI (`admin create`, `charger add ID --password P`; the pile
// through the API, as an operator would); a charger speaking bare `ws` frames then connects with basic auth and
// boots, a wrong password is refused at the upgrade (401), and an API command reaches the charger. With
// CHARGECHAIN_TLS_CERT/KEY the same endpoint is security profile 2: wss boots.
// Breaks tried: createServer not passing /ocpp/ID upgrades to the endpoint (the boot is refused: 404); the
// authenticator accepting any password (the wrong password connects).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openRawCharger, selfSignedCertificate, UpgradeRefused } from '@chargechain/ocpp/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, type StartedServer, startCli } from '../testing/cli.js'
import { client, signIn } from '../testing/harness.js'

const adminPassword = 'admin-password-1'
const chargerPassword = 'cli-charger-pw-1'
const boot = { chargePointVendor: 'Other Vendor', chargePointModel: 'AC-22' }

describe('chargechain-server start with its OCPP endpoint', () => {
  let dataDir: string
  let pileId: number
  let running: StartedServer | undefined

  async function admin(server: StartedServer) {
    return client(server.url, { cookie: await signIn(server.url, 'admin', adminPassword) })
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'server-start-'))
    const created = await runCli(['admin', 'create', '--password', adminPassword, '--data', dataDir])
    expect([created.code, created.stderr]).toEqual([0, ''])
    const pile = await runCli(['pile', 'add', 'CC-CLI-1', '--name', 'Third-party pile', '--data', dataDir])
    const id = /\(id (\d+)\)/.exec(pile.stdout)?.[1]
    expect([pile.code, pile.stdout.trim()]).toEqual([0, `Pile CC-CLI-1 added (id ${id}).`])
    pileId = Number(id)
    const added = await runCli([
      'charger',
      'add',
      'CP-CLI',
      '--password',
      chargerPassword,
      '--pile',
      'CC-CLI-1',
      '--data',
      dataDir,
    ])
    expect([added.code, added.stdout.trim()]).toEqual([0, `Charger CP-CLI added for pile ${pileId}.`])
  }, 240_000)
  afterAll(async () => {
    await running?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('a raw-ws charger added with the CLI boots; a wrong password is refused at the upgrade', async () => {
    running = await startCli(['--port', '0', '--data', dataDir])
    expect(running.output.join('')).toContain(`OCPP 1.6J at ${running.ocppUrl}/ID (profile 1)`)
    await expect(
      openRawCharger({ endpoint: running.ocppUrl, identity: 'CP-CLI', password: 'wrong-password-1' }),
    ).rejects.toEqual(new UpgradeRefused(401))
    const charger = await openRawCharger({
      endpoint: running.ocppUrl,
      identity: 'CP-CLI',
      password: chargerPassword,
    })
    const answer = await charger.call('BootNotification', boot)
    expect(answer).toMatchObject({ ok: true, payload: { status: 'Accepted', interval: 60 } })
    charger.answer('Reset', () => ({ status: 'Accepted' }))
    const reset = await (await admin(running)).json('POST', `/api/piles/${pileId}/commands/reset`, {
      type: 'Soft',
    })
    expect(reset).toEqual({ status: 200, body: { result: { status: 'Accepted' } } })
    await charger.close()
    expect(await running.stop()).toBe(0)
  }, 240_000)

  it('with a certificate and key from the environment, chargers connect over wss (profile 2)', async () => {
    const { cert, key } = selfSignedCertificate()
    await writeFile(join(dataDir, 'cert.pem'), cert)
    await writeFile(join(dataDir, 'key.pem'), key)
    running = await startCli(['--port', '0', '--data', dataDir], {
      CHARGECHAIN_TLS_CERT: join(dataDir, 'cert.pem'),
      CHARGECHAIN_TLS_KEY: join(dataDir, 'key.pem'),
    })
    expect(running.ocppUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/)
    const charger = await openRawCharger({
      endpoint: running.ocppUrl,
      identity: 'CP-CLI',
      password: chargerPassword,
      ca: cert,
    })
    expect(await charger.call('BootNotification', boot)).toMatchObject({
      ok: true,
      payload: { status: 'Accepted' },
    })
    await charger.close()
    expect(await running.stop()).toBe(0)
  }, 240_000)
})
