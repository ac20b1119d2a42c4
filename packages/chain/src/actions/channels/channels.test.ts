import { parseEther, zeroAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Fixture, startFixture, windows } from '../../../test/fixture.js'
import { signChannelVoucher } from '../../eip712/channelVoucher.js'
import { toCompactSignature } from '../../eip712/signature.js'
import type { ContractRevertedError } from '../../errors/contract.js'
import { InvalidParameterError } from '../../errors/parameters.js'
import { channelIdOf } from './channelIdOf.js'

describe('channel actions', () => {
  let f: Fixture
  const addr = (client: Fixture['owner']) => f.localAccount(client).address
  const reason = (error: unknown) => (error as ContractRevertedError).reason
  beforeAll(async () => {
    f = await startFixture()
  })
  afterAll(async () => {
    await f?.stop()
  })

  const voucher = (channelId: `0x${string}`, cumulativeAmount: bigint, signer = f.vehicle) =>
    signChannelVoucher({
      account: f.localAccount(signer),
      chainId: f.deployment.chainId,
      channels: f.deployment.contracts.paymentChannels,
      channelId,
      cumulativeAmount,
    })

  it('opens a native channel, tops it up, settles twice and closes after the challenge period', async () => {
    const salt = `0x${'5a'.repeat(32)}` as const
    const { channelId } = await f.vehicle.openChannel({
      operator: addr(f.payout),
      deposit: parseEther('1'),
      salt,
    })
    expect(channelIdOf(addr(f.vehicle), addr(f.payout), zeroAddress, salt)).toBe(channelId)
    await f.vehicle.topUp({ channelId, amount: parseEther('0.5') })
    expect(await f.other.getChannel({ channelId })).toMatchObject({
      status: 'open',
      vehicle: addr(f.vehicle),
      operator: addr(f.payout),
      currency: zeroAddress,
      deposit: parseEther('1.5'),
      settled: 0n,
      remaining: parseEther('1.5'),
    })

    const operatorBefore = await f.other.getBalance({ address: addr(f.payout) })
    await f.payout.settleChannel({
      channelId,
      cumulativeAmount: parseEther('0.2'),
      signature: toCompactSignature(await voucher(channelId, parseEther('0.2'))),
    })
    await f.payout.settleChannel({
      channelId,
      cumulativeAmount: parseEther('0.5'),
      signature: await voucher(channelId, parseEther('0.5')),
    })
    const operatorAfter = await f.other.getBalance({ address: addr(f.payout) })
    // Paid at once (push), minus the operator's gas.
    expect(operatorAfter - operatorBefore).toBeGreaterThan(parseEther('0.49'))
    expect((await f.other.getChannel({ channelId })).settled).toBe(parseEther('0.5'))

    const stale = await f.payout
      .settleChannel({
        channelId,
        cumulativeAmount: parseEther('0.2'),
        signature: await voucher(channelId, parseEther('0.2')),
      })
      .catch((e: unknown) => e)
    expect(reason(stale)).toBe('VoucherNotNewer')

    await f.vehicle.requestClose({ channelId })
    expect((await f.other.getChannel({ channelId })).status).toBe('closing')
    const early = await f.vehicle.closeChannel({ channelId }).catch((e: unknown) => e)
    expect(reason(early)).toBe('ChallengePeriodNotOver')
    await f.passTime(windows.challengePeriod + 1)
    await f.vehicle.closeChannel({ channelId })
    expect((await f.other.getChannel({ channelId })).status).toBe('closed')
  })

  it('opens an ERC-20 channel with a permit and the operator settles and closes at once', async () => {
    const deposit = parseEther('10')
    const { channelId } = await f.vehicle.openChannel({
      operator: addr(f.payout),
      currency: f.token,
      deposit,
    })
    await f.vehicle.topUp({ channelId, amount: parseEther('1') })
    const cumulativeAmount = parseEther('3')
    await f.payout.settleAndClose({
      channelId,
      cumulativeAmount,
      signature: await voucher(channelId, cumulativeAmount),
    })
    expect(await f.other.getChannel({ channelId })).toMatchObject({ status: 'closed' })
  })

  it('refuses forged vouchers, strangers and over-deposit vouchers with typed errors', async () => {
    const { channelId } = await f.vehicle.openChannel({
      operator: addr(f.payout),
      deposit: parseEther('0.1'),
    })
    const forged = await f.payout
      .settleChannel({ channelId, cumulativeAmount: 1n, signature: await voucher(channelId, 1n, f.other) })
      .catch((e: unknown) => e)
    expect(reason(forged)).toBe('InvalidVoucherSigner')
    const stranger = await f.other
      .settleChannel({ channelId, cumulativeAmount: 1n, signature: await voucher(channelId, 1n) })
      .catch((e: unknown) => e)
    expect(reason(stranger)).toBe('NotChannelOperator')
    const tooMuch = await f.payout
      .settleChannel({
        channelId,
        cumulativeAmount: parseEther('0.2'),
        signature: await voucher(channelId, parseEther('0.2')),
      })
      .catch((e: unknown) => e)
    expect(reason(tooMuch)).toBe('VoucherExceedsDeposit')
    const notVehicle = await f.other.requestClose({ channelId }).catch((e: unknown) => e)
    expect(reason(notVehicle)).toBe('NotChannelVehicle')
    const notRequested = await f.vehicle.closeChannel({ channelId }).catch((e: unknown) => e)
    expect(reason(notRequested)).toBe('CloseNotRequested')
    await expect(f.vehicle.topUp({ channelId, amount: 0n })).rejects.toBeInstanceOf(InvalidParameterError)
    const unknown = await f.vehicle
      .topUp({ channelId: `0x${'01'.repeat(32)}`, amount: 1n })
      .catch((e: unknown) => e)
    expect(reason(unknown)).toBe('ChannelNotOpen')
  })
})
