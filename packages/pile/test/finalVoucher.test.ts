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
import { type Chain, MINUTE_READINGS, startChain, waitFor } from './fixture.js'
import { type LinkTap, tapLink } from './linkTap.js'
import { channelCar, expectLedgerAtFinalVoucher, restartableWorld, vouchersOf } from './restartable.js'

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
    const { startPile, startCar, plugIn, finish, channelLedger } = await restartableWorld(chain, car, {
      vehicle: channelCar(chain, {
        silenceTimeoutMs: 3_600_000,
        answerTimeoutMs: 3_600_000,
        reconnectTimeoutMs: 3_600_000,
      }),
      // A register that counts every Wh, and a reading a minute: each voucher pays for more energy than the one before.
      pileMeterResolutionWh: 1,
      pile: {
        payment: MINUTE_READINGS,
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
    const signed = vouchersOf(vehicle.agent)
    await plugIn(() => signed.length >= 2, 5_000)
    await late
    await waitFor(() => pile.agent.status().state === 'departing')
    await finish()

    // The stale voucher is the car's first: below what the pile held, refused once.
    const first = decodeMessage(MessageTypeId.Voucher, toPile[0] ?? new Uint8Array())
    expect(first).toMatchObject({ type: 'Voucher', amount: signed[0]?.amount })
    expect(staleRefusals).toBe(1)
    await expectLedgerAtFinalVoucher(chain, signed, vehicle.journal, channelLedger)
  })
})
