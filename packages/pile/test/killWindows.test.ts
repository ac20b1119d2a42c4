// Must-show (kill -9 matrix, defects A, B, D and the finding 4 variant): an agent that dies between telling the other
// side something and journaling it, in process. The agent dies right before the journal write that would have held
// it, as a kill there leaves it (apps/simulator/test/*Crash.test.ts runs the same moments with real processes), and
// is started again on its journal; each visit must end once, for both, with what the car last signed.
//
// Breaks tried (one line each, run, seen failing, restored):
// - A: packages/pile/src/steps/handshake.ts awaitingPayment sends `PaymentResult accepted` again before it returns
//   ACCEPTED (as it did): the restarted pile asks for the payment while the car charges on; neither moves and the first
//   test times out waiting for the charge.
// - B: packages/vehicle/src/steps/charging.ts finishing returns NO_RECEIPT at once when the link is gone and nothing
//   is owed (`if (!owed) return { event: 'NO_RECEIPT' }` before the rejoin): the free car closes its visit, takes the
//   restarted pile's greeting for a forgotten free session and counts 2 visits.
// - B, car side: `'Receipt'` left out of what the car's authenticating expects: the re-greeted car fails its step.
// - D: packages/vehicle/src/steps/charging.ts finishing moves on when the link drops after the final channel voucher
//   went out (`if (owed && session.kind === 'channel') return { event: 'NO_RECEIPT' }` in its drop branch, the old
//   rule): the ledger ends one voucher short of the car's last (7.02e13 against 7.41e13 wei).
// - finding 4, a closed link: packages/vehicle/src/steps/charging.ts finishing reads only an open link
//   (`if (link && !link.closed)`): the car rejoins a pile that has left, waits out its reconnect timeout and closes the
//   visit with NO_RECEIPT, the receipt unread in the old session.
// - finding 4, a receipt the car never journaled: packages/pile/src/steps/settlement.ts receipt does not wait for the
//   car's VisitClosed (`if (!(await visitClosed(…)))` replaced by `if (false)`): the pile leaves once the link took the
//   receipt, and the car, killed before journaling it, rejoins in vain and closes the visit with NO_RECEIPT.
// - D, second window: packages/pile/src/steps/charging.ts collectFinalVoucher ends at the first voucher for the final
//   energy, whatever its seconds (`voucher.energyWh >= session.energyWh` alone, as it did): the car's charging voucher,
//   sent again on its rejoin, is settled, and the final one (for the seconds since) comes too late.
// - finding 4: packages/pile/src/steps/settlement.ts receipt delivers on the live link only
//   (`const link = runtime.session?.closed ? undefined : runtime.session`): the pile leaves, the restarted car waits
//   out its reconnect timeout and closes the visit with GAVE_UP, no receipt.
import { readFile } from 'node:fs/promises'
import type { VehicleSnapshot } from '@chargechain/vehicle'
import { zeroHash } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PileSnapshot } from '../src/index.js'
import { type Chain, MINUTE_READINGS, PRICE_PER_KWH, sessionsOf, startChain, waitFor } from './fixture.js'
import {
  channelCar,
  DEPOSIT,
  expectLedgerAtFinalVoucher,
  restartableWorld,
  vouchersOf,
} from './restartable.js'

const PRICE_PER_MINUTE = 20_000_000_000_000n

let chain: Chain
beforeAll(async () => {
  chain = await startChain()
})
afterAll(async () => {
  await chain?.stop()
})

const pileEnters =
  (state: string, kind?: string) =>
  (snapshot: PileSnapshot): boolean =>
    snapshot.state === state && (kind === undefined || snapshot.data.session?.kind === kind)

/** The car's journal: the visits it counted, and the receipt it closed the last one with. */
function carBooks(journal: { replay(): { value: VehicleSnapshot } | undefined }) {
  const value = journal.replay()?.value
  return { state: value?.state, completed: value?.data.completed, session: value?.data.session }
}

describe('an agent killed between telling the other side and journaling it', () => {
  it('A: pile killed as it accepts the payment: it never asks again; one deposit, one settle at the last voucher', async () => {
    const car = chain.client(7)
    const { world, startPile, startCar, finish } = await restartableWorld(chain, car)
    let pile = await startPile({ dieBefore: pileEnters('starting') })
    const vehicle = await startCar()
    const signed: bigint[] = []
    vehicle.agent.on('voucher', ({ amount }) => signed.push(amount))
    world.arrive()
    world.plug()
    await pile.stopped
    pile = await startPile()
    const finished = new Promise<{ amount: bigint }>((resolve) => pile.agent.on('sessionFinished', resolve))
    await waitFor(() => signed.length >= 2)
    world.unplug()
    const pileSide = await finished
    await finish()

    const sessions = await sessionsOf(chain, car)
    expect(sessions).toHaveLength(1)
    const { state } = await car.getSession({ sessionId: sessions[0]?.sessionId ?? '0x' })
    expect(state).toMatchObject({ status: 'settled', amount: signed.at(-1) })
    expect(pileSide.amount).toBe(signed.at(-1))
  })

  /** A free visit whose pile dies before the journal write `dieBefore` picks; the car's agent stays on, as in a car. */
  async function freeVisit(dieBefore: (snapshot: PileSnapshot) => boolean) {
    const { world, startPile, startCar, plugIn } = await restartableWorld(chain, chain.cars.owner)
    let pile = await startPile({ dieBefore })
    const vehicle = await startCar({ once: false })
    const failures: unknown[] = []
    vehicle.agent.on('stepFailed', ({ error }) => failures.push(error))
    await plugIn(() => pile.agent.status().state === 'charging', 3_000)
    await pile.stopped
    pile = await startPile()
    await waitFor(() => pile.agent.status().state === 'departing')
    world.leave()
    await waitFor(() => pile.agent.status().state === 'idle')
    await waitFor(() => vehicle.agent.status().state === 'waiting')
    const pileCompleted = pile.agent.status().completed
    // Taken before the car is stopped: stopping aborts its step, which it reports too.
    const failed = [...failures]
    await pile.kill()
    await vehicle.kill()
    await world.close()
    return { failures: failed, pileCompleted, car: carBooks(vehicle.journal) }
  }

  it('B: free visit, pile killed after its ChargingStopped, before journaling it: the car counts one visit', async () => {
    const { failures, pileCompleted, car } = await freeVisit(pileEnters('settling', 'free'))
    expect(failures).toEqual([])
    expect(pileCompleted).toBe(1)
    expect(car).toEqual({ state: 'waiting', completed: 1, session: undefined })
  })

  it('B: pile killed after its receipt, before journaling it: the car knows that visit is closed', async () => {
    const { failures, pileCompleted, car } = await freeVisit(pileEnters('departing'))
    expect(failures).toEqual([])
    expect(pileCompleted).toBe(1)
    expect(car).toEqual({ state: 'waiting', completed: 1, session: undefined })
  })

  it('D: pile killed after the link acknowledged the final channel voucher, before journaling it: the car delivers it again', async () => {
    const car = chain.cars.channel
    const { startPile, startCar, plugIn, finish, channelLedger } = await restartableWorld(chain, car, {
      vehicle: channelCar(chain, {
        silenceTimeoutMs: 600_000,
        answerTimeoutMs: 600_000,
        reconnectTimeoutMs: 3_600_000,
      }),
      // A register that counts every Wh, and a reading a minute: the energy after the last reading shows in the final
      // one, with no reading in between to voucher it first.
      pileMeterResolutionWh: 1,
      pile: { payment: MINUTE_READINGS },
    })
    let pile = await startPile({ dieBefore: pileEnters('settling', 'channel') })
    const vehicle = await startCar()
    const signed = vouchersOf(vehicle.agent)
    await plugIn(() => signed.length >= 2, 5_000)
    await pile.stopped
    pile = await startPile()
    await waitFor(() => pile.agent.status().state === 'departing')
    await finish()

    // The final voucher is signed after ChargingStopped, so the pile had not journaled it before it died.
    await expectLedgerAtFinalVoucher(chain, signed, vehicle.journal, channelLedger)
  })

  it('finding 4: car killed as the free charge stopped: the pile waits for it and hands it the receipt', async () => {
    const { startPile, startCar, plugIn, finish } = await restartableWorld(chain, chain.cars.listed)
    const pile = await startPile()
    const pileSide = new Promise<{ energyWh: number }>((resolve) => pile.agent.on('sessionFinished', resolve))
    // Killed once it heard ChargingStopped, before journaling it: restarted, it rejoins from `charging`.
    let vehicle = await startCar({ dieBefore: (snapshot) => snapshot.state === 'stopped' })
    await plugIn(() => pile.agent.status().state === 'charging', 3_000)
    await vehicle.stopped
    vehicle = await startCar()
    await waitFor(() => pile.agent.status().state === 'departing')
    await finish()

    // The car closed the visit with the pile's receipt, not after giving up on the pile.
    const closed = await visitClosing(vehicle.journal.path)
    expect(closed?.event).toBe('RECEIPT')
    expect(closed?.data.session).toMatchObject({
      kind: 'free',
      receipt: { settleTx: zeroHash, energyWh: (await pileSide).energyWh, amount: 0n },
    })
    expect(vehicle.journal.replay()?.value).toMatchObject({ state: 'waiting', data: { completed: 1 } })
  })

  it('finding 4: a car slow to journal finds the link closed with the receipt on it: it reads it, no rejoin', async () => {
    const { startPile, startCar, plugIn, finish } = await restartableWorld(chain, chain.cars.listed)
    const pile = await startPile()
    const pileLeft = new Promise<void>((resolve) =>
      pile.agent.on('state', ({ state }) => state === 'departing' && resolve()),
    )
    // The car journals `finishing` only once the pile handed over the receipt and closed the link.
    const vehicle = await startCar({
      holdBefore: { write: (snapshot) => snapshot.state === 'finishing', until: pileLeft },
    })
    await plugIn(() => pile.agent.status().state === 'charging', 3_000)
    await pileLeft
    await finish()

    const closed = await visitClosing(vehicle.journal.path)
    expect(closed?.event).toBe('RECEIPT')
  })

  it('finding 4: car killed once its receipt arrived, before journaling it: the pile hands it over again', async () => {
    const { startPile, startCar, plugIn, finish } = await restartableWorld(chain, chain.cars.listed)
    const pile = await startPile()
    let vehicle = await startCar({ dieBefore: (snapshot) => snapshot.state === 'settlement' })
    await plugIn(() => pile.agent.status().state === 'charging', 3_000)
    await vehicle.stopped
    vehicle = await startCar()
    await waitFor(() => pile.agent.status().state === 'departing')
    await finish()

    const closed = await visitClosing(vehicle.journal.path)
    expect(closed?.event).toBe('RECEIPT')
    expect(vehicle.journal.replay()?.value).toMatchObject({ state: 'waiting', data: { completed: 1 } })
  })

  // Last: it prices minutes at the test pile for the rest of the file.
  it('D: car killed as the charge stopped re-sends its charging voucher first: the pile waits for the final one', async () => {
    await chain.owner.setTariff({
      pileId: chain.pileId,
      tariff: { ...chain.terms.tariff, pricePerMinute: PRICE_PER_MINUTE },
    })
    const car = chain.client(8)
    const { startPile, startCar, plugIn, finish } = await restartableWorld(chain, car, {
      vehicle: {
        payment: {
          maxPricePerKWh: String(PRICE_PER_KWH),
          maxPricePerMinute: String(PRICE_PER_MINUTE),
          deposit: String(DEPOSIT),
          preference: 'escrow',
        },
      },
      // A 1 kWh register reads 0 all visit long: the vouchers differ in their seconds only; and a reading a minute, so
      // none comes between the last voucher and the unplugging.
      pileMeterResolutionWh: 1_000,
      pile: { payment: MINUTE_READINGS },
    })
    const pile = await startPile()
    const signed: bigint[] = []
    // Killed once it heard ChargingStopped, before journaling it: restarted, it rejoins from `charging`, which sends
    // its journaled voucher again — for the energy of the final reading, not its seconds.
    let vehicle = await startCar({ dieBefore: (snapshot) => snapshot.state === 'stopped' })
    vehicle.agent.on('voucher', ({ amount }) => signed.push(amount))
    await plugIn(() => signed.length >= 2, 5_000)
    await vehicle.stopped
    vehicle = await startCar()
    vehicle.agent.on('voucher', ({ amount }) => signed.push(amount))
    await waitFor(() => pile.agent.status().state === 'departing')
    await finish()

    const last = signed.at(-1)
    expect(last).toBeGreaterThan(signed.at(-2) ?? 0n)
    const sessions = await sessionsOf(chain, car)
    expect(sessions).toHaveLength(1)
    const { state } = await car.getSession({ sessionId: sessions[0]?.sessionId ?? '0x' })
    expect(state).toMatchObject({ status: 'settled', energyWh: 0n, amount: last })
  })
})

/** The last snapshot of `settlement` in a car's journal file: how the car closed its visit. */
async function visitClosing(path: string): Promise<VehicleSnapshot | undefined> {
  const revive = (_key: string, value: unknown) =>
    value && typeof value === 'object' && '$bigint' in value ? BigInt(String(value.$bigint)) : value
  const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean)
  return lines
    .map((line) => (JSON.parse(line, revive) as { record: { value: VehicleSnapshot } }).record.value)
    .findLast((record) => record.state === 'settlement')
}
