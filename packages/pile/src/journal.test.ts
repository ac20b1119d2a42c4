// A pile journal written before sessions had phases (version 1, no schema in its records) still loads, each session
// as its phase; one that cannot be read as version 1 is refused. Breaking the migration (dropping the `offered`
// branch of sessionByPhase, so an offered session reads as arrived) fails the first test; that break was tried.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { JournalVersionError, openJournal } from '@chargechain/agent-core'
import { describe, expect, it } from 'vitest'
import { pileJournal } from './journal.js'

const car = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const payout = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const start = { id: `0x${'11'.repeat(16)}`, nonce: `0x${'22'.repeat(16)}`, startedAt: 1_000, energyWh: 0 }
const zero = '0x0000000000000000000000000000000000000000'
const terms = { pricePerKWh: 300n, currency: zero, payout }
/** Version 1 offers, as version 3 reads them: energy prices only, no credit (the agent is unknown before paying). */
const offer = {
  payout,
  agent: zero,
  tariff: { currency: zero, pricePerKWh: 300n, pricePerMinute: 0n, idlePerMinute: 0n, sessionFee: 0n },
  creditWh: 0,
}
const voucher = { energyWh: 40, amount: 12n, signature: `0x${'33'.repeat(65)}` }

/** A journal of one record as version 1 wrote it: no schema, no version, bigints as `{"$bigint"}`. */
async function versionOneJournal(state: string, session: object | undefined) {
  const path = join(await mkdtemp(join(tmpdir(), 'pile-journal-')), 'pile.journal')
  const value = { state, data: { ...(session ? { session } : {}), completed: 3 } }
  const body = JSON.stringify({ seq: 9, at: 5, value }, (_key, item: unknown) =>
    typeof item === 'bigint' ? { $bigint: String(item) } : item,
  )
  await writeFile(path, `{"crc":"${crc32(body).toString(16).padStart(8, '0')}","record":${body}}\n`)
  return path
}

const replay = async (path: string) => {
  const journal = await openJournal(path, pileJournal)
  await journal.close()
  return journal.replay()?.value
}

describe('pileJournal', () => {
  it('reads each phase of a version 1 session as its phase', async () => {
    expect(await replay(await versionOneJournal('connecting', start))).toEqual({
      state: 'connecting',
      data: {
        session: { kind: 'arrived', id: start.id, nonce: start.nonce, startedAt: 1_000 },
        completed: 3,
      },
    })
    expect(
      await replay(await versionOneJournal('awaitingPayment', { ...start, vehicle: car, ...terms })),
    ).toEqual({
      state: 'awaitingPayment',
      data: {
        session: {
          kind: 'offered',
          id: start.id,
          nonce: start.nonce,
          startedAt: 1_000,
          vehicle: car,
          offer,
        },
        completed: 3,
      },
    })
    expect(
      (
        await replay(
          await versionOneJournal('stopping', { ...start, vehicle: car, kind: 'free', energyWh: 700 }),
        )
      )?.data.session,
    ).toMatchObject({ kind: 'free', vehicle: car, energyWh: 700 })

    const channel = { channelId: `0x${'44'.repeat(32)}`, base: 5n, remaining: 1_000n }
    const charging = {
      ...start,
      vehicle: car,
      kind: 'channel',
      ...terms,
      channel,
      energyWh: 40,
      meterStartWh: 9,
      voucher,
    }
    expect((await replay(await versionOneJournal('charging', charging)))?.data.session).toMatchObject({
      kind: 'channel',
      vehicle: car,
      offer,
      channel,
      energyWh: 40,
      meterStartWh: 9,
      voucher,
    })
    expect(await replay(await versionOneJournal('idle', undefined))).toEqual({
      state: 'idle',
      data: { completed: 3 },
    })
  })

  it('reads a version 2 escrow session with the terms its struct bound', async () => {
    const struct = {
      vehicle: car,
      pileId: `0x${'55'.repeat(32)}`,
      payout,
      agent: car,
      currency: zero,
      pricePerKWh: 300n,
      deposit: 1_000n,
      openedAt: 7,
      salt: `0x${'66'.repeat(32)}`,
    }
    const escrow = { sessionId: `0x${'77'.repeat(32)}`, openTx: `0x${'88'.repeat(32)}`, session: struct }
    const session = { ...start, vehicle: car, kind: 'escrow', offer: terms, escrow, voucher }
    const path = join(await mkdtemp(join(tmpdir(), 'pile-journal-')), 'pile.journal')
    const value = { state: 'charging', data: { session, completed: 3 } }
    const body = JSON.stringify(
      { seq: 9, at: 5, schema: 'pile', version: 2, value },
      (_key, item: unknown) => (typeof item === 'bigint' ? { $bigint: String(item) } : item),
    )
    await writeFile(path, `{"crc":"${crc32(body).toString(16).padStart(8, '0')}","record":${body}}\n`)
    const withTerms = { ...offer, agent: car }
    expect((await replay(path))?.data.session).toMatchObject({
      kind: 'escrow',
      offer: withTerms,
      escrow: {
        ...escrow,
        session: {
          vehicle: car,
          pileId: struct.pileId,
          terms: withTerms,
          deposit: 1_000n,
          openedAt: 7,
          salt: struct.salt,
        },
      },
    })
  })

  it('refuses a version 1 session it cannot read, rather than guess', async () => {
    const noEscrow = await versionOneJournal('charging', { ...start, vehicle: car, kind: 'escrow', ...terms })
    await expect(openJournal(noEscrow, pileJournal)).rejects.toThrow(JournalVersionError)
    const noVehicle = await versionOneJournal('starting', { ...start, kind: 'free' })
    await expect(openJournal(noVehicle, pileJournal)).rejects.toMatchObject({
      found: { schema: undefined, version: 1 },
      expected: { schema: 'pile', version: 3 },
    })
  })
})
