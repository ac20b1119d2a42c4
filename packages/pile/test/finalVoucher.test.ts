// Must-show (kill -9 matrix, defect D's last path): after ChargingStopped, a stale voucher of the car's reaches the
// pile first and is refused; the car, slow under load to sign and journal, sends its real final voucher well after
// `voucherWaitMs` of real time but within the answer time. The pile must wait for it: the channel settles at the last
// cumulative amount the car signed, never one voucher short.
//
// Breaks tried (run, seen failing, restored):
// - one line: packages/pile/src/steps/charging.ts collectFinalVoucher waits the real floor alone
//   (`receive(link, { ...left(), clockMs: 0, signal: until })`): the pile gives up one `voucherWaitMs` after
//   ChargingStopped, and the ledger ends one voucher short of the car's last (7.08e13 against 7.47e13 wei).
// - the rule as it was (a048425): each wait `{ clockMs, minRealMs: answerFloorMs(runtime) }`, with `clockMs = 0` after
//   any voucher that is not final: the refusal leaves the car one floor, and the ledger ends one voucher short
//   (7.02e13 against 7.38e13 wei).
import { decodeMessage, FrameDecoder, MessageTypeId } from '@chargechain/link'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chain, PRICE_PER_KWH, startChain, waitFor } from './fixture.js'
import { type LinkTap, tapLink } from './linkTap.js'
import { DEPOSIT, restartableWorld } from './restartable.js'

/** The pile's floor for the car's answer, in real time. */
const VOUCHER_WAIT_MS = 1_000
/** How late the car's final voucher comes after the stale one was refused, in real time: three floors. */
const CAR_LATE_MS = 3 * VOUCHER_WAIT_MS

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

describe("the pile's wait for the final voucher", () => {
  it('a stale voucher refused first does not cut short the wait for a slow final one', {
    timeout: 120_000,
  }, async () => {
    const car = chain.cars.channel
    const toPile: Uint8Array[] = []
    let fromCar: LinkTap | undefined
    let refusals = 0
    let staleRefusals = 0
    const { world, startPile, startCar, channelLedger } = await restartableWorld(chain, car, {
      vehicle: {
        payment: {
          maxPricePerKWh: String(PRICE_PER_KWH),
          deposit: String(DEPOSIT),
          channels: [{ channelId: chain.channelId, operator: chain.payout }],
          preference: 'channel',
        },
        link: { silenceTimeoutMs: 3_600_000, answerTimeoutMs: 3_600_000, reconnectTimeoutMs: 3_600_000 },
      },
      // A register that counts every Wh, and a reading a minute: each voucher pays for more energy than the one before.
      pileMeterResolutionWh: 1,
      pile: {
        payment: {
          minDeposit: '1000000000000000',
          creditWh: 1_000,
          meterIntervalMs: 60_000,
          confirmations: 1,
        },
        // An hour of answer time on the 60× clock is a real minute: only the cut-short wait ends before the car answers.
        link: { voucherWaitMs: VOUCHER_WAIT_MS, answerTimeoutMs: 3_600_000, reconnectTimeoutMs: 3_600_000 },
      },
      wrapLink: (transport, side) => {
        const tap = tapLink(transport)
        if (side === 'car') {
          fromCar = tap
          // An Error frame reaching the car is the pile refusing a voucher.
          tap.transport.onData((bytes) => {
            if (bytes[3] === MessageTypeId.Error) refusals++
          })
        } else {
          const decoder = new FrameDecoder()
          tap.transport.onData((bytes) => {
            for (const event of decoder.push(bytes))
              if (event.type === 'frame' && event.frame.typeId === MessageTypeId.Voucher)
                toPile.push(event.frame.payload)
          })
        }
        return tap.transport
      },
    })
    const pile = await startPile()
    const signed: { amount: bigint; state: string }[] = []
    let carState = ''
    let finalSigned: () => void = () => {}
    const carAnswering = new Promise<void>((resolve) => {
      finalSigned = resolve
    })
    // The car's final voucher goes out once journaled: that write waits until the stale voucher has been refused and
    // CAR_LATE_MS more have passed, or until the pile settled without it.
    const late = (async () => {
      await carAnswering
      const tap = fromCar
      const stale = toPile[0]
      if (!tap || !stale) throw new Error('no voucher seen on the link')
      const before = refusals
      await tap.inject(MessageTypeId.Voucher, stale)
      await waitFor(() => refusals > before)
      staleRefusals = refusals - before
      const since = Date.now()
      await waitFor(() => pile.agent.status().state !== 'stopping' || Date.now() - since >= CAR_LATE_MS)
    })()
    const vehicle = await startCar({
      holdBefore: {
        write: (snapshot) => {
          if (snapshot.state !== 'finishing') return false
          finalSigned()
          return true
        },
        until: late,
      },
    })
    vehicle.agent.on('state', ({ state }) => {
      carState = state
    })
    vehicle.agent.on('voucher', ({ amount }) => signed.push({ amount, state: carState }))
    world.arrive()
    world.plug()
    await waitFor(() => signed.length >= 2)
    await world.clock.sleep(5_000)
    world.unplug()
    await late
    await waitFor(() => pile.agent.status().state === 'departing')
    world.leave()
    await vehicle.done
    await waitFor(() => pile.agent.status().state === 'idle')
    await pile.kill()
    await world.close()

    // The stale voucher is the car's first: below what the pile held, refused once.
    const first = decodeMessage(MessageTypeId.Voucher, toPile[0] ?? new Uint8Array())
    expect(first).toMatchObject({ type: 'Voucher', amount: signed[0]?.amount })
    expect(staleRefusals).toBe(1)
    const last = signed.at(-1)
    expect(last?.state).toBe('stopped')
    expect(last?.amount).toBeGreaterThan(signed.at(-2)?.amount ?? 0n)
    expect(vehicle.journal.replay()?.value.data.channels[chain.channelId.toLowerCase()]).toBe(last?.amount)
    expect((await channelLedger.get(chain.channelId))?.cumulativeAmount).toBe(last?.amount)
  })
})
