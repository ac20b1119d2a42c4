import { parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Fixture, startFixture } from '../../test/fixture.js'
import { defineTerms, hashTerms } from '../terms/terms.js'
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
    const vehicle = f.localAccount(f.vehicle).address
    const terms = defineTerms({
      payout: f.localAccount(f.payout).address,
      agent: f.localAccount(f.agent).address,
      pricePerKWh: 1000n,
    })
    const { pileId } = await f.owner.registerPile({ dmid: 'SH-EVT-1', terms })
    await f.owner.setFreeVehicles({ pileId, add: [vehicle] })
    const { sessionId } = await f.vehicle.openSession({ pileId, terms, deposit: parseEther('0.01') })
    await f.vehicle.openChannel({ operator: f.localAccount(f.payout).address, deposit: 1000n })

    const history = await f.other.getChargeChainEvents()
    const names = history.map((event) => `${event.contract}.${event.eventName}`)
    expect(names).toEqual([
      'pileRegistry.PileRegistered',
      'pileRegistry.PileTermsChanged',
      'pileRegistry.FreeVehicleSet',
      'sessionEscrow.SessionOpened',
      'paymentChannels.ChannelOpened',
    ])
    const registered = history[1]
    if (registered?.contract !== 'pileRegistry' || registered.eventName !== 'PileTermsChanged')
      throw new Error('not decoded')
    expect(registered.args).toEqual({ pileId, terms, termsHash: hashTerms(terms) })
    const opened = history[3]
    if (opened?.contract !== 'sessionEscrow' || opened.eventName !== 'SessionOpened')
      throw new Error('not decoded')
    expect(opened.args.sessionId).toBe(sessionId)
    expect(opened.args.deposit).toBe(parseEther('0.01'))
    expect(opened.args.termsHash).toBe(hashTerms(terms))

    const chunked = await f.other.getChargeChainEvents({ maxBlockRange: 2n })
    expect(chunked.map((event) => event.transactionHash)).toEqual(
      history.map((event) => event.transactionHash),
    )

    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(5)
    unwatch()
    expect(seen.map((event) => event.eventName)).toEqual(history.map((event) => event.eventName))
  })
})
