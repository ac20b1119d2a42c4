// The operator's channel ledger as a pile reaches it over OCPP: a channel the server does not know reads as empty,
// one it knows gives its amounts, a voucher the pile takes raises the server's cumulative (and never lowers it), and
// a server out of reach is ChannelLedgerUnavailableError — which the pile answers by refusing channel payment.
// Breaks tried, each failing here: `cumulativeAmount: answer.cumulative` → `answer.settled` (the recorded voucher
// reads back as 0); the `instanceof OcppError` check made `false` (offline gives OcppClientError, not the ledger's error).
import { signChannelVoucher, verifyChannelVoucher } from '@chargechain/chain'
import { channels, type Database } from '@chargechain/db'
import { hexOf, testEngines } from '@chargechain/db/testing'
import { createMemoryQueue, createOcppClient, type OcppClient } from '@chargechain/ocpp'
import { addTestCharger, type ServedOcpp, serveOcpp } from '@chargechain/ocpp/testing'
import { ChannelLedgerUnavailableError } from '@chargechain/pile'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ocppChannelLedger } from './ocppChannelLedger.js'

const channelId = hexOf(0xc4a2, 32)
const car = privateKeyToAccount(generatePrivateKey())
const vehicle = car.address
const operator = hexOf(0xa, 20)
// The server records only the car's own vouchers, checked under the deployment's channels contract.
const deployment = { chainId: 31_337, channels: hexOf(0xc0c0, 20) }
const signed = (cumulativeAmount: bigint) =>
  signChannelVoucher({ account: car, ...deployment, channelId, cumulativeAmount })

for (const engine of testEngines) {
  describe(`the operator's channel ledger over OCPP on ${engine.name}`, () => {
    let database: Database
    let served: ServedOcpp
    let client: OcppClient
    beforeAll(async () => {
      database = await engine.open()
      await addTestCharger(database, 'CP-LEDGER', 'pile-ledger-password-1', { owner: operator })
      await database.db.insert(channels).values({
        channelId,
        vehicle,
        operator,
        currency: hexOf(0xe, 20),
        deposit: 10n ** 18n,
        settled: 100n,
        openedAt: new Date(Date.UTC(2026, 6, 1)),
      })
      served = await serveOcpp(database, {
        verifyChannelVoucher: (voucher) => verifyChannelVoucher({ ...deployment, ...voucher }),
      })
      client = await createOcppClient({
        url: served.endpoint,
        identity: 'CP-LEDGER',
        password: 'pile-ledger-password-1',
        connectors: 1,
        queue: createMemoryQueue(),
        boot: { vendor: 'ChargeChain', model: 'Pile' },
      })
      await client.start()
    })
    afterAll(async () => {
      await client?.close()
      await served?.close()
      await database?.close()
    })

    it('reads, records and never lowers', async () => {
      const ledger = ocppChannelLedger(client)
      expect(await ledger.get(hexOf(0xdead, 32))).toBeUndefined()
      expect(await ledger.get(channelId)).toMatchObject({
        cumulativeAmount: 0n,
        settledAmount: 100n,
        // The server keeps addresses in lower case.
        vehicle: vehicle.toLowerCase(),
      })
      const entry = await ledger.record(
        { channelId, vehicle, cumulativeAmount: 250n, signature: await signed(250n) },
        'session-1',
      )
      expect(entry).toMatchObject({ cumulativeAmount: 250n, lastSessionId: 'session-1' })
      await client.flushed()
      expect((await ledger.get(channelId))?.cumulativeAmount).toBe(250n)
      await ledger.record(
        { channelId, vehicle, cumulativeAmount: 200n, signature: await signed(200n) },
        'session-0',
      )
      await client.flushed()
      expect((await ledger.get(channelId))?.cumulativeAmount).toBe(250n)
    })

    it('out of reach is ChannelLedgerUnavailableError', async () => {
      const offline = await createOcppClient({
        url: 'ws://127.0.0.1:9/ocpp',
        identity: 'CP-LEDGER',
        password: 'pile-ledger-password-1',
        connectors: 1,
        queue: createMemoryQueue(),
        boot: { vendor: 'ChargeChain', model: 'Pile' },
      })
      try {
        await expect(ocppChannelLedger(offline).get(channelId)).rejects.toBeInstanceOf(
          ChannelLedgerUnavailableError,
        )
      } finally {
        await offline.close()
      }
    })
  })
}
