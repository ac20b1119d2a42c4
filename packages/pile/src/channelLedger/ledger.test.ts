import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hash, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { StaleChannelVoucherError } from '../errors.js'
import { openFileChannelLedger } from './file.js'
import { type ChannelLedgerOptions, createMemoryChannelLedger } from './memory.js'
import type { ChannelLedger, ChannelVoucherRecord } from './types.js'

const channelId = `0x${'ab'.repeat(32)}` as Hex
const vehicle = `0x${'11'.repeat(20)}` as const
const voucher = (cumulativeAmount: bigint): ChannelVoucherRecord => ({
  channelId,
  vehicle,
  cumulativeAmount,
  signature: `0x${'22'.repeat(65)}`,
})

/** A settler that records what it was asked to settle and answers with a fake hash per call. */
function recordingSettler() {
  const settled: bigint[] = []
  const settle: ChannelLedgerOptions['settle'] = async (record) => {
    settled.push(record.cumulativeAmount)
    return `0x${String(settled.length).padStart(64, '0')}` as Hash
  }
  return { settled, settle }
}

const ledgers: [string, (options: ChannelLedgerOptions) => Promise<ChannelLedger>][] = [
  ['memory', async (options) => createMemoryChannelLedger(options)],
  [
    'file',
    async (options) =>
      openFileChannelLedger(join(await mkdtemp(join(tmpdir(), 'cc-ledger-')), 'channels.journal'), options),
  ],
]

describe.each(ledgers)('%s channel ledger', (_, open) => {
  it('keeps the latest voucher per channel and refuses a lower one', async () => {
    const { settle } = recordingSettler()
    const ledger = await open({ policy: { everySessions: 100, minAmount: 10n ** 30n }, settle })
    expect(await ledger.get(channelId)).toBeUndefined()
    await ledger.record(voucher(100n), 's1')
    await ledger.record(voucher(250n), 's2')
    await expect(ledger.record(voucher(200n), 's3')).rejects.toThrow(StaleChannelVoucherError)
    expect(await ledger.get(channelId)).toMatchObject({ cumulativeAmount: 250n, sessionsSinceSettle: 2 })
    // The same id in another case is the same channel.
    expect((await ledger.get(channelId.toUpperCase().replace('0X', '0x') as Hex))?.cumulativeAmount).toBe(
      250n,
    )
    await ledger.close()
  })

  it('settles after N sessions, counting a session recorded twice (a resumed pile) once', async () => {
    const { settle, settled } = recordingSettler()
    const ledger = await open({ policy: { everySessions: 2, minAmount: 10n ** 30n }, settle })
    await ledger.record(voucher(10n), 's1')
    await ledger.record(voucher(20n), 's1')
    expect(settled).toEqual([])
    const entry = await ledger.record(voucher(30n), 's2')
    expect(settled).toEqual([30n])
    expect(entry).toMatchObject({ settledAmount: 30n, sessionsSinceSettle: 0 })
    expect(entry.settleTx).toMatch(/^0x0+1$/)
    await ledger.close()
  })

  it('settles once the unsettled amount reaches the threshold; settleAll settles the rest', async () => {
    const { settle, settled } = recordingSettler()
    const ledger = await open({ policy: { everySessions: 100, minAmount: 50n }, settle })
    await ledger.record(voucher(40n), 's1')
    expect(settled).toEqual([])
    await ledger.record(voucher(60n), 's2')
    expect(settled).toEqual([60n])
    await ledger.record(voucher(70n), 's3')
    await ledger.settleAll()
    expect(settled).toEqual([60n, 70n])
    await ledger.settleAll()
    expect(settled).toEqual([60n, 70n])
    await ledger.close()
  })
})

describe('file channel ledger', () => {
  it('persists every change: a reopened ledger has the latest voucher, its settlement and its session count', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cc-ledger-')), 'channels.journal')
    const { settle, settled } = recordingSettler()
    const policy = { everySessions: 2, minAmount: 10n ** 30n }
    const first = await openFileChannelLedger(path, { policy, settle })
    await first.record(voucher(100n), 's1')
    await first.record(voucher(150n), 's2')
    await first.record(voucher(180n), 's3')
    await first.close()

    const reopened = await openFileChannelLedger(path, { policy, settle })
    expect(await reopened.get(channelId)).toMatchObject({
      cumulativeAmount: 180n,
      settledAmount: 150n,
      sessionsSinceSettle: 1,
      lastSessionId: 's3',
    })
    await expect(reopened.record(voucher(170n), 's4')).rejects.toThrow(StaleChannelVoucherError)
    await reopened.record(voucher(200n), 's4')
    expect(settled).toEqual([150n, 200n])
    await reopened.close()
  })

  it('names the path when the file cannot be opened', async () => {
    const { settle } = recordingSettler()
    await expect(
      openFileChannelLedger('/proc/no-such-dir/channels.journal', {
        policy: { everySessions: 1, minAmount: 1n },
        settle,
      }),
    ).rejects.toThrow(/channel ledger \/proc\/no-such-dir/)
  })
})
