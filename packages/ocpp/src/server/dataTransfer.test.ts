// A pile's channelLedger.record is what the settler claims on chain and what every pile of the operator reads as the
// car's cumulative: the server records it only when the channel's car signed that amount under the deployment's
// PaymentChannels domain, the channel is the pile's operator's and not closed, and the amount is within the deposit.
// Raw frames, as a compromised pile would send them; every refusal leaves the ledger as it was.
// Breaks tried (one line each, seen failing, restored): `if (!signed)` → `if (false)` in dataTransfer.ts recordVoucher
// (the forged and the other car's vouchers are recorded); the operator check `pile?.owner?… !== operator && …` made
// `false` (the other operator's pile raises the cumulative); the not-indexed channel answered with
// `refuse('unknownChannel')` again (the pile's client takes a refusal as final and drops a voucher the car signed).
import { signChannelVoucher, verifyChannelVoucher as verifySignature } from '@chargechain/chain'
import { channels, type Database } from '@chargechain/db'
import { hexOf, testEngines } from '@chargechain/db/testing'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRawCharger, type RawCharger } from '../testing/rawCharger.js'
import { addTestCharger, type ServedOcpp, serveOcpp } from '../testing/serve.js'
import type { ChannelVoucherVerifier } from './dataTransfer.js'

const chainId = 31_337
const paymentChannels = hexOf(0xc0c0, 20)
const operator = hexOf(0xa, 20)
const car = privateKeyToAccount(generatePrivateKey())
const otherCar = privateKeyToAccount(generatePrivateKey())
const channelId = hexOf(0xc4a2, 32)
const password = 'voucher-check-password-1'

const verify: ChannelVoucherVerifier = (voucher) =>
  verifySignature({ chainId, channels: paymentChannels, ...voucher })
const sign = (
  account: typeof car,
  cumulativeAmount: bigint,
  channels = paymentChannels,
  channel = channelId,
) => signChannelVoucher({ account, chainId, channels, channelId: channel, cumulativeAmount })

/** The car's channel with this operator, as the indexer stores it: 1,000 wei deposited. */
const indexChannel = (database: Database, id: `0x${string}`) =>
  database.db.insert(channels).values({
    channelId: id,
    vehicle: car.address,
    operator,
    currency: hexOf(0xe, 20),
    deposit: 1_000n,
    openedAt: new Date(Date.UTC(2026, 6, 1)),
  })

for (const engine of testEngines) {
  describe(`channelLedger.record checks the voucher on ${engine.name}`, () => {
    let database: Database
    let served: ServedOcpp
    let ours: RawCharger
    let theirs: RawCharger
    beforeAll(async () => {
      database = await engine.open()
      await addTestCharger(database, 'CP-OURS', password, { owner: hexOf(0xb, 20), payout: operator })
      await addTestCharger(database, 'CP-THEIRS', password, { owner: hexOf(0xbad, 20) })
      await indexChannel(database, channelId)
      served = await serveOcpp(database, { verifyChannelVoucher: verify })
      ours = await openRawCharger({ endpoint: served.endpoint, identity: 'CP-OURS', password })
      theirs = await openRawCharger({ endpoint: served.endpoint, identity: 'CP-THEIRS', password })
    })
    afterAll(async () => {
      await ours?.close()
      await theirs?.close()
      await served?.close()
      await database?.close()
    })

    const record = (charger: RawCharger, amount: bigint, signature: string, channel = channelId) =>
      charger.call('DataTransfer', {
        vendorId: 'chargechain',
        messageId: 'channelLedger.record',
        data: JSON.stringify({ channelId: channel, amount: String(amount), signature }),
      })
    const refused = (error: string, cumulative: string | null = null) => ({
      ok: true,
      payload: {
        status: 'Rejected',
        data: JSON.stringify(cumulative === null ? { error } : { error, cumulative }),
      },
    })
    const ledger = async () => {
      const [row] = await database.db.select().from(channels)
      return { amount: row?.voucherAmount, signature: row?.voucherSignature ?? null }
    }

    it('refuses forged, misdirected and oversized vouchers, and changes nothing', async () => {
      expect(await record(ours, 500n, `0x${'51'.repeat(65)}`)).toEqual(refused('badSignature'))
      expect(await record(ours, 500n, await sign(otherCar, 500n))).toEqual(refused('badSignature'))
      // The car's signature for another amount, or another deployment's contract.
      expect(await record(ours, 900n, await sign(car, 500n))).toEqual(refused('badSignature'))
      expect(await record(ours, 500n, await sign(car, 500n, hexOf(0xdead, 20)))).toEqual(
        refused('badSignature'),
      )
      expect(await record(theirs, 500n, await sign(car, 500n))).toEqual(refused('notOperator'))
      expect(await record(ours, 1_001n, await sign(car, 1_001n))).toEqual(refused('aboveDeposit'))
      expect(await ledger()).toEqual({ amount: 0n, signature: null })
    })

    it("records the car's voucher from a pile of the channel's operator", async () => {
      const signature = await sign(car, 500n)
      expect(await record(ours, 500n, signature)).toEqual({
        ok: true,
        payload: { status: 'Accepted', data: JSON.stringify({ cumulative: '500' }) },
      })
      expect(await ledger()).toEqual({ amount: 500n, signature })
    })

    it('answers a voucher for a channel not indexed yet with a retryable error, and records it once indexed', async () => {
      const later = hexOf(0x1a7e, 32)
      const signature = await sign(car, 300n, paymentChannels, later)
      expect(await record(ours, 300n, signature, later)).toMatchObject({ ok: false, code: 'InternalError' })
      await indexChannel(database, later)
      expect(await record(ours, 300n, signature, later)).toEqual({
        ok: true,
        payload: { status: 'Accepted', data: JSON.stringify({ cumulative: '300' }) },
      })
    })
  })
}

describe('a server without the deployment', () => {
  it('records no voucher: it cannot check one', async () => {
    const engine = testEngines[0]
    if (!engine) throw new Error('no test database engine')
    const database = await engine.open()
    await addTestCharger(database, 'CP-BLIND', password, { owner: operator })
    await indexChannel(database, channelId)
    const served = await serveOcpp(database)
    const charger = await openRawCharger({ endpoint: served.endpoint, identity: 'CP-BLIND', password })
    try {
      const answer = await charger.call('DataTransfer', {
        vendorId: 'chargechain',
        messageId: 'channelLedger.record',
        data: JSON.stringify({ channelId, amount: '500', signature: await sign(car, 500n) }),
      })
      expect(answer).toEqual({
        ok: true,
        payload: { status: 'Rejected', data: JSON.stringify({ error: 'unverifiable' }) },
      })
    } finally {
      await charger.close()
      await served.close()
      await database.close()
    }
  })
})
