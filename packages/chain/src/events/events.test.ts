import { parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Fixture, startFixture } from '../../test/fixture.js'
import { pileIdFromDmid } from '../utils/pileIdFromDmid.js'
import type { ChargeChainEvent } from './decodeChargeChainLogs.js'

describe('ChargeChain events', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await startFixture()
  })
  afterAll(async () => {
    await f?.stop()
  })

  it('decodes every contract event, typed and in chain order, and watches new ones', async () => {
    const seen: ChargeChainEvent[] = []
    const unwatch = f.other.watchChargeChainEvents({
      onEvents: (events) => seen.push(...events),
      pollingInterval: 50,
    })
    const pileId = pileIdFromDmid('SH-EVT-1')
    const vehicle = f.vehicle.account!.address
    await f.owner.registerPile({
      pileId,
      payout: f.payout.account!.address,
      agent: f.agent.account!.address,
      pricePerKWh: 1000n,
    })
    await f.owner.setFreeVehicles({ pileId, add: [vehicle] })
    const { sessionId } = await f.vehicle.openSession({ pileId, deposit: parseEther('0.01') })
    await f.vehicle.openChannel({ operator: f.payout.account!.address, deposit: 1000n })

    const history = await f.other.getChargeChainEvents()
    const names = history.map((event) => `${event.contract}.${event.eventName}`)
    expect(names).toEqual([
      'pileRegistry.PileRegistered',
      'pileRegistry.FreeVehicleSet',
      'sessionEscrow.SessionOpened',
      'paymentChannels.ChannelOpened',
    ])
    const opened = history[2]
    if (opened?.contract !== 'sessionEscrow' || opened.eventName !== 'SessionOpened')
      throw new Error('not decoded')
    expect(opened.args.sessionId).toBe(sessionId)
    expect(opened.args.deposit).toBe(parseEther('0.01'))

    const chunked = await f.other.getChargeChainEvents({ maxBlockRange: 2n })
    expect(chunked.map((event) => event.transactionHash)).toEqual(
      history.map((event) => event.transactionHash),
    )

    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(4)
    unwatch()
    expect(seen.map((event) => event.eventName)).toEqual(history.map((event) => event.eventName))
  })
})
