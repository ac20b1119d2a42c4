import { priceOf, signVehicleAuth, signVoucher, toCompactSignature } from '@chargechain/chain'
import { defined } from '@chargechain/errors'
import { bytesToHex, hexToBytes, type LocalAccount } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Chain,
  credited,
  PRICE_PER_KWH,
  runSession,
  sessionsOf,
  startChain,
  startPileAlone,
  waitFor,
} from './fixture.js'

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

const DEPOSIT = 2_000_000_000_000_000n

describe('a car that goes silent mid-charge', () => {
  it('gets the relay cut once the credit is used up; the pile settles its last voucher', async () => {
    const creditWh = 30
    const { world, pile, connect, stop } = await startPileAlone(chain, {
      payment: { minDeposit: '1000000000000000', creditWh, meterIntervalMs: 5_000, confirmations: 1 },
    })
    const car = chain.client(7)
    const account = car.account as LocalAccount
    const payoutBefore = await credited(chain, chain.payout)
    const carBefore = await credited(chain, account.address)
    const finished = new Promise<Parameters<Parameters<typeof pile.on<'sessionFinished'>>[1]>[0]>((resolve) =>
      pile.on('sessionFinished', resolve),
    )
    const readings: { energyWh: number; voucheredWh: number }[] = []
    pile.on('meter', (reading) => readings.push(reading))

    world.arrive()
    world.plug()
    const link = await connect()
    const hello = await link.expect('Hello')
    const auth = await signVehicleAuth({
      account,
      chainId: chain.anvil.chainId,
      registry: chain.deployment.contracts.pileRegistry,
      pileId: bytesToHex(hello.pileId),
      nonce: bytesToHex(hello.nonce),
    })
    await link.send({ type: 'Auth', signature: hexToBytes(toCompactSignature(auth)) })
    expect((await link.expect('AuthResult')).result).toBe('pay')
    const opened = await car.openSession({ pileId: chain.pileId, terms: chain.terms, deposit: DEPOSIT })
    await link.send({
      type: 'PaymentOpened',
      method: 'escrow',
      sessionId: hexToBytes(opened.sessionId),
      txHash: hexToBytes(opened.hash),
    })
    expect((await link.expect('PaymentResult')).result).toBe('accepted')
    await link.expect('ChargingStarted')
    // Two readings vouchered, then nothing: the car's link still acknowledges frames but it signs no more.
    let lastVoucherWh = 0
    while (lastVoucherWh === 0 || readings.length < 2) {
      const reading = await link.expect('MeterReading')
      if (reading.energyWh === 0) continue
      const amount = priceOf(BigInt(reading.energyWh), PRICE_PER_KWH)
      const signature = await signVoucher({
        account,
        chainId: chain.anvil.chainId,
        escrow: chain.deployment.contracts.sessionEscrow,
        sessionId: opened.sessionId,
        energyWh: BigInt(reading.energyWh),
        chargingSeconds: 0,
        idleSeconds: 0,
        amount,
      })
      await link.send({
        type: 'Voucher',
        energyWh: reading.energyWh,
        chargingSeconds: 0,
        idleSeconds: 0,
        amount,
        signature: hexToBytes(toCompactSignature(signature)),
      })
      lastVoucherWh = reading.energyWh
    }
    let stopped = await link.next({ timeoutMs: 30_000 })
    while (stopped.type === 'MeterReading') stopped = await link.next({ timeoutMs: 30_000 })
    if (stopped.type !== 'ChargingStopped') throw new Error(`expected ChargingStopped, got ${stopped.type}`)
    expect(world.state().relayOn).toBe(false)
    expect(stopped.reason).toBe('vouchersBehind')

    const session = await finished
    expect(session.stopReason).toBe('vouchersBehind')
    // The pile cut at the first reading beyond the credit, not later.
    const before = defined(readings.at(-1), 'a reading')
    expect(before.energyWh - before.voucheredWh).toBeLessThanOrEqual(creditWh)
    expect(session.energyWh - lastVoucherWh).toBeGreaterThan(creditWh)
    const paid = priceOf(BigInt(lastVoucherWh), PRICE_PER_KWH)
    expect(session.amount).toBe(paid)
    const onChain = await car.getSession({ sessionId: opened.sessionId, transactionHash: opened.hash })
    expect(onChain.state).toMatchObject({ status: 'settled', energyWh: BigInt(lastVoucherWh), amount: paid })
    expect((await credited(chain, chain.payout)) - payoutBefore).toBe(paid)
    expect((await credited(chain, account.address)) - carBefore).toBe(DEPOSIT - paid)
    const receipt = await link.expect('Receipt')
    expect(receipt.amount).toBe(paid)
    await link.close()
    world.unplug()
    world.leave()
    await waitFor(() => pile.status().state === 'idle')
    await stop()
  })
})

describe('a car that asks for its refund mid-charge', () => {
  it('makes the pile stop and settle its latest voucher inside the settle window', async () => {
    const car = chain.client(8)
    const address = defined(car.account, 'the car client account').address
    const payoutBefore = await credited(chain, chain.payout)
    let vouchers = 0
    const session = await runSession(chain, {
      car,
      unplugAtWh: 10_000,
      vehicle: { payment: { maxPricePerKWh: String(PRICE_PER_KWH), deposit: String(DEPOSIT) } },
      during: async ({ vehicle }) => {
        vehicle.on('voucher', () => vouchers++)
        await waitFor(() => vouchers >= 2)
        const [opened] = await sessionsOf(chain, car)
        await car.requestRefund({ session: defined(opened, 'the opened session').session })
      },
    })
    const [pileSide, carSide] = await Promise.all([session.pileFinished, session.vehicleFinished])
    await session.done
    expect(pileSide.kind).toBe('escrow')
    expect(pileSide.stopReason).toBe('vehicleRequested')
    const [opened] = await sessionsOf(chain, car)
    const { state } = await car.getSession({ sessionId: defined(opened, 'the opened session').sessionId })
    expect(state.status).toBe('settled')
    if (state.status !== 'settled') return
    expect(state.amount).toBe(pileSide.amount)
    expect(state.amount).toBeGreaterThan(0n)
    expect(state.amount).toBe(priceOf(state.energyWh, PRICE_PER_KWH))
    expect(carSide).toMatchObject({ outcome: 'settled', amount: state.amount })
    expect((await credited(chain, chain.payout)) - payoutBefore).toBe(state.amount)
    expect(await credited(chain, address)).toBe(DEPOSIT - state.amount)
  })
})

describe('a car that is neither the owner nor on the free list', () => {
  it('is asked to pay; once the owner adds it to the free list, its next session is free', async () => {
    const car = chain.client(9)
    const address = defined(car.account, 'the car client account').address
    const first = await runSession(chain, { car })
    const [paid] = await Promise.all([first.pileFinished, first.vehicleFinished])
    await first.done
    expect(paid.kind).toBe('escrow')
    expect(paid.amount).toBeGreaterThan(0n)

    await chain.owner.setFreeVehicles({ pileId: chain.pileId, add: [address] })
    const walletBefore = await chain.owner.getBalance({ address })
    const creditedBefore = await credited(chain, address)
    const sessionsBefore = (await sessionsOf(chain, car)).length
    const second = await runSession(chain, { car })
    const [free, carSide] = await Promise.all([second.pileFinished, second.vehicleFinished])
    await second.done
    expect(free).toMatchObject({ kind: 'free', amount: 0n })
    expect(carSide).toMatchObject({ kind: 'free', outcome: 'free', amount: 0n })
    expect(await chain.owner.getBalance({ address })).toBe(walletBefore)
    expect(await credited(chain, address)).toBe(creditedBefore)
    expect((await sessionsOf(chain, car)).length).toBe(sessionsBefore)
  })
})
