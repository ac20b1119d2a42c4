// A car journal written before sessions had phases (version 1, no schema in its records) still loads, each session
// as its phase; one that cannot be read as version 1 is refused. Breaking the migration (reading an escrow session
// without its transaction as `escrow` instead of `opening`) fails the first test; that break was tried.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { JournalVersionError, openJournal } from '@chargechain/agent-core'
import { describe, expect, it } from 'vitest'
import { vehicleJournal } from './journal.js'

const pileId = `0x${'aa'.repeat(32)}`
const terms = {
  currency: '0x0000000000000000000000000000000000000000',
  pricePerKWh: 300n,
  payee: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  escrow: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  minDeposit: 1_000n,
  creditWh: 120,
  meterIntervalMs: 5_000,
  confirmations: 1,
}
/** Version 1 terms as version 3 reads them: no time-based prices, no fee, an unknown agent. */
const withTariff = {
  ...terms,
  pricePerMinute: 0n,
  idlePerMinute: 0n,
  sessionFee: 0n,
  agent: '0x0000000000000000000000000000000000000000',
}
const salt = `0x${'55'.repeat(32)}`
const voucher = { energyWh: 40, amount: 12n, signature: `0x${'33'.repeat(65)}` }

/** A journal of one record as version 1 wrote it: no schema, no version, bigints as `{"$bigint"}`. */
async function versionOneJournal(state: string, session: object | undefined) {
  const path = join(await mkdtemp(join(tmpdir(), 'vehicle-journal-')), 'car.journal')
  const value = { state, data: { ...(session ? { session } : {}), channels: { '0xab': 7n }, completed: 2 } }
  const body = JSON.stringify({ seq: 4, at: 5, value }, (_key, item: unknown) =>
    typeof item === 'bigint' ? { $bigint: String(item) } : item,
  )
  await writeFile(path, `{"crc":"${crc32(body).toString(16).padStart(8, '0')}","record":${body}}\n`)
  return path
}

const sessionIn = async (path: string) => {
  const journal = await openJournal(path, vehicleJournal)
  await journal.close()
  return journal.replay()?.value.data.session
}

describe('vehicleJournal', () => {
  it('reads each phase of a version 1 session as its phase', async () => {
    expect(await sessionIn(await versionOneJournal('authenticating', { pileId }))).toEqual({
      kind: 'greeted',
      pileId,
    })
    expect(await sessionIn(await versionOneJournal('paying', { pileId, terms }))).toEqual({
      kind: 'offered',
      pileId,
      terms: withTariff,
    })
    const opening = { pileId, terms, kind: 'escrow', escrow: { salt, deposit: 2_000n } }
    expect(await sessionIn(await versionOneJournal('opening', opening))).toEqual({
      kind: 'opening',
      pileId,
      terms: withTariff,
      escrow: { salt, deposit: 2_000n },
    })
    const escrow = {
      salt,
      deposit: 2_000n,
      sessionId: `0x${'66'.repeat(32)}`,
      openTx: `0x${'77'.repeat(32)}`,
    }
    const charging = { pileId, terms, kind: 'escrow', escrow, meterStartWh: 10, voucher }
    expect(await sessionIn(await versionOneJournal('charging', charging))).toMatchObject({
      kind: 'escrow',
      terms: withTariff,
      escrow,
      meterStartWh: 10,
      voucher,
    })
    expect(
      await sessionIn(await versionOneJournal('stopped', { pileId, kind: 'free', finalWh: 300 })),
    ).toMatchObject({
      kind: 'free',
      pileId,
      finalWh: 300,
    })
    const journal = await openJournal(await versionOneJournal('waiting', undefined), vehicleJournal)
    expect(journal.replay()?.value).toEqual({
      state: 'waiting',
      data: { channels: { '0xab': 7n }, completed: 2 },
    })
    await journal.close()
  })

  it('refuses a version 1 session it cannot read, rather than guess', async () => {
    const noChannel = await versionOneJournal('charging', { pileId, terms, kind: 'channel' })
    await expect(openJournal(noChannel, vehicleJournal)).rejects.toThrow(JournalVersionError)
    const badTerms = await versionOneJournal('paying', { pileId, terms: { ...terms, pricePerKWh: 'cheap' } })
    await expect(openJournal(badTerms, vehicleJournal)).rejects.toMatchObject({
      expected: { schema: 'vehicle', version: 3 },
      details: 'The migration from version 1 to 2 refused the record.',
    })
  })
})
