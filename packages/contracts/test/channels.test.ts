import { type Account, type Hex, parseEther, parseEventLogs, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoTokenAbi } from '../src/generated/DemoToken.js'
import { paymentChannelsAbi } from '../src/generated/PaymentChannels.js'
import { ChannelStatus, NATIVE_CURRENCY } from '../src/index.js'
import { CHALLENGE_PERIOD, eventIn, expectRevert, type Fixture, startFixture } from './fixture.js'

let f: Fixture
let operator: Account
let vehicle: Account
let other: Account
const deposit = parseEther('1')
let salt = 0

beforeAll(async () => {
  f = await startFixture({ accounts: 6 })
  ;[, , operator, vehicle, other] = f.accounts as [Account, Account, Account, Account, Account]
})
afterAll(() => f?.stop())

const read = <T>(functionName: string, args: readonly unknown[]) =>
  f.publicClient.readContract({
    address: f.contracts.channels,
    abi: paymentChannelsAbi,
    functionName,
    args,
  } as never) as Promise<T>
const ethBalance = (address: Hex) => f.publicClient.getBalance({ address })

async function open(amount = deposit) {
  const saltHex = toHex(++salt, { size: 32 })
  const receipt = await f.channels(
    vehicle,
    'openChannel',
    [operator.address, NATIVE_CURRENCY, amount, saltHex],
    amount,
  )
  const event = eventIn(receipt, paymentChannelsAbi, 'ChannelOpened')
  return { channelId: event.args.channelId, salt: saltHex, event: event.args }
}
const voucher = async (channelId: Hex, cumulativeAmount: bigint, signer = vehicle) =>
  [channelId, cumulativeAmount, await f.signChannelVoucher(signer, { channelId, cumulativeAmount })] as const

describe('PaymentChannels', () => {
  it('opens a channel with a derived id, and never the same id twice', async () => {
    const { channelId, salt: saltHex, event } = await open()
    expect(await read('channelIdOf', [vehicle.address, operator.address, NATIVE_CURRENCY, saltHex])).toBe(
      channelId,
    )
    expect(event).toEqual({
      channelId,
      vehicle: vehicle.address,
      operator: operator.address,
      currency: NATIVE_CURRENCY,
      deposit,
      salt: saltHex,
    })
    expect(await read('getChannel', [channelId])).toEqual([
      {
        vehicle: vehicle.address,
        deposit,
        operator: operator.address,
        settled: 0n,
        currency: NATIVE_CURRENCY,
        closesAt: 0,
      },
      ChannelStatus.Open,
    ])
    await expectRevert(
      f.channels(vehicle, 'openChannel', [operator.address, NATIVE_CURRENCY, deposit, saltHex], deposit),
      'ChannelExists',
    )
    await expectRevert(
      f.channels(vehicle, 'openChannel', [NATIVE_CURRENCY, NATIVE_CURRENCY, deposit, saltHex], deposit),
      'ZeroAddress',
    )
    await expectRevert(
      f.channels(
        vehicle,
        'openChannel',
        [operator.address, NATIVE_CURRENCY, 0n, toHex(99, { size: 32 })],
        0n,
      ),
      'ZeroAmount',
    )
    await expectRevert(
      f.channels(
        vehicle,
        'openChannel',
        [operator.address, NATIVE_CURRENCY, deposit, toHex(99, { size: 32 })],
        1n,
      ),
      'WrongValue',
    )
  })

  it('tops up by the vehicle only', async () => {
    const { channelId } = await open()
    await expectRevert(f.channels(other, 'topUp', [channelId, 5n], 5n), 'NotChannelVehicle')
    await expectRevert(f.channels(vehicle, 'topUp', [channelId, 0n], 0n), 'ZeroAmount')
    await expectRevert(f.channels(vehicle, 'topUp', [toHex(1, { size: 32 }), 5n], 5n), 'ChannelNotOpen')
    const receipt = await f.channels(vehicle, 'topUp', [channelId, 5n], 5n)
    const event = eventIn(receipt, paymentChannelsAbi, 'ChannelToppedUp')
    expect(event.args).toEqual({ channelId, amount: 5n, deposit: deposit + 5n })
  })

  it('pays the operator each increase of the cumulative voucher, once', async () => {
    const { channelId } = await open()
    await expectRevert(
      f.channels(other, 'settleChannel', await voucher(channelId, 10n)),
      'NotChannelOperator',
    )
    await expectRevert(
      f.channels(operator, 'settleChannel', await voucher(channelId, deposit + 1n)),
      'VoucherExceedsDeposit',
    )
    await expectRevert(
      f.channels(operator, 'settleChannel', await voucher(channelId, 10n, other)),
      'InvalidVoucherSigner',
    )
    const before = await ethBalance(f.contracts.channels)
    const first = await f.channels(operator, 'settleChannel', await voucher(channelId, 300n))
    const second = await f.channels(operator, 'settleChannel', await voucher(channelId, 1000n))
    const paid = [first, second].map(
      (receipt) => eventIn(receipt, paymentChannelsAbi, 'ChannelSettled').args.paid,
    )
    expect(paid).toEqual([300n, 700n])
    expect(await ethBalance(f.contracts.channels)).toBe(before - 1000n)
    await expectRevert(
      f.channels(operator, 'settleChannel', await voucher(channelId, 1000n)),
      'VoucherNotNewer',
    )
    await expectRevert(
      f.channels(operator, 'settleChannel', await voucher(channelId, 300n)),
      'VoucherNotNewer',
    )
  })

  it('closes on the vehicle’s request after the challenge period, in which the operator can still settle', async () => {
    const { channelId } = await open()
    await expectRevert(f.channels(vehicle, 'closeChannel', [channelId]), 'CloseNotRequested')
    await expectRevert(f.channels(other, 'requestClose', [channelId]), 'NotChannelVehicle')
    const receipt = await f.channels(vehicle, 'requestClose', [channelId])
    const closesAt = (await f.now()) + CHALLENGE_PERIOD
    const event = eventIn(receipt, paymentChannelsAbi, 'ChannelCloseRequested')
    expect(event.args).toEqual({ channelId, closesAt })
    expect((await read<[unknown, number]>('getChannel', [channelId]))[1]).toBe(ChannelStatus.Closing)
    await expectRevert(f.channels(vehicle, 'requestClose', [channelId]), 'CloseAlreadyRequested')
    await expectRevert(f.channels(vehicle, 'closeChannel', [channelId]), 'ChallengePeriodNotOver')
    await f.channels(operator, 'settleChannel', await voucher(channelId, 400n))
    await f.advance(CHALLENGE_PERIOD)
    await expectRevert(
      f.channels(operator, 'settleChannel', await voucher(channelId, 500n)),
      'ChallengePeriodOver',
    )
    await expectRevert(f.channels(other, 'closeChannel', [channelId]), 'NotChannelVehicle')
    const before = await ethBalance(vehicle.address)
    const closed = await f.channels(vehicle, 'closeChannel', [channelId])
    const done = eventIn(closed, paymentChannelsAbi, 'ChannelClosed')
    expect(done.args).toEqual({ channelId, settled: 400n, refund: deposit - 400n })
    const gasPaid = closed.gasUsed * closed.effectiveGasPrice
    expect(await ethBalance(vehicle.address)).toBe(before + deposit - 400n - gasPaid)
    expect((await read<[unknown, number]>('getChannel', [channelId]))[1]).toBe(ChannelStatus.Closed)
    await expectRevert(f.channels(vehicle, 'closeChannel', [channelId]), 'ChannelNotOpen')
    await expectRevert(f.channels(vehicle, 'topUp', [channelId, 1n], 1n), 'ChannelNotOpen')
    await expectRevert(
      f.channels(operator, 'settleChannel', await voucher(channelId, 500n)),
      'ChannelNotOpen',
    )
  })

  it('lets the operator settle its final voucher and close at once, or close without a new voucher', async () => {
    const a = await open()
    const receipt = await f.channels(operator, 'settleAndClose', await voucher(a.channelId, 250n))
    const names = parseEventLogs({ abi: paymentChannelsAbi, logs: receipt.logs }).map(
      (event) => event.eventName,
    )
    expect(names).toEqual(['ChannelSettled', 'ChannelClosed'])
    const b = await open()
    await f.channels(operator, 'settleChannel', await voucher(b.channelId, 100n))
    const closed = await f.channels(operator, 'settleAndClose', [b.channelId, 100n, '0x'])
    const event = eventIn(closed, paymentChannelsAbi, 'ChannelClosed')
    expect(event.args).toEqual({ channelId: b.channelId, settled: 100n, refund: deposit - 100n })
    await expectRevert(f.channels(vehicle, 'settleAndClose', [b.channelId, 100n, '0x']), 'ChannelNotOpen')
    // The tombstone keeps a closed channel's id (and so its vouchers) from ever being used again.
    await expectRevert(
      f.channels(vehicle, 'openChannel', [operator.address, NATIVE_CURRENCY, deposit, b.salt], deposit),
      'ChannelExists',
    )
  })

  it('runs in an ERC-20, opened with a permit', async () => {
    await f.token(f.deployer, 'mint', [vehicle.address, deposit])
    const deadline = (await f.now()) + 600n
    const { v, r, s } = await f.signPermit(vehicle, f.contracts.channels, deposit, deadline)
    const receipt = await f.channels(vehicle, 'openChannelWithPermit', [
      operator.address,
      f.contracts.token,
      deposit,
      toHex(500, { size: 32 }),
      deadline,
      v,
      r,
      s,
    ])
    const channelId = eventIn(receipt, paymentChannelsAbi, 'ChannelOpened').args.channelId
    await f.channels(operator, 'settleAndClose', await voucher(channelId, 42n))
    const balance = (address: Hex) =>
      f.publicClient.readContract({
        address: f.contracts.token,
        abi: demoTokenAbi,
        functionName: 'balanceOf',
        args: [address],
      })
    expect(await balance(operator.address)).toBe(42n)
    expect(await balance(vehicle.address)).toBe(deposit - 42n)
    expect(await balance(f.contracts.channels)).toBe(0n)
  })
})
