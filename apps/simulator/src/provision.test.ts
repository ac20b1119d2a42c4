import { privateKeySigner } from '@chargechain/chain'
import { defined } from '@chargechain/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DevNet, startDevNet } from './devnet.js'
import { operatorOf, planFleet } from './fleet.js'
import { channelDeposit, type ProvisionedFleet, provisionFleet } from './provision.js'

describe('provisionFleet on a real anvil', () => {
  let devnet: DevNet
  let fleet: ProvisionedFleet
  beforeAll(async () => {
    devnet = await startDevNet()
    fleet = await provisionFleet(devnet, planFleet({ piles: 4, cars: 6 }))
  })
  afterAll(() => devnet?.stop())

  it("registers each pile under its owner's id with its operator's payout, its agent key and its tariff", async () => {
    for (const pile of fleet.plan.piles) {
      const operator = operatorOf(fleet.plan, pile.operator)
      const onChain = await devnet.admin.getPile({ pileId: pile.pileId })
      expect(onChain).toMatchObject({
        owner: operator.owner.address,
        terms: {
          payout: operator.payout.address,
          agent: pile.agent.address,
          tariff: { currency: fleet.currencyAddress[operator.currency], ...pile.tariff },
          creditWh: pile.creditWh,
        },
      })
    }
  })

  it("puts exactly the operators' own cars on their piles' free lists", async () => {
    for (const pile of fleet.plan.piles) {
      for (const car of fleet.plan.cars) {
        const free = await devnet.admin.isFreeVehicle({ pileId: pile.pileId, vehicle: car.key.address })
        expect(free).toBe(car.kind === 'owner' && car.operator === pile.operator)
      }
    }
  })

  it('opens one funded channel per channel payer, to its operator', async () => {
    const payers = fleet.plan.cars.filter((car) => car.kind === 'channel')
    expect(fleet.channels.size).toBe(payers.length)
    for (const car of payers) {
      const operator = operatorOf(fleet.plan, defined(car.operator, `${car.name}'s operator`))
      const client = devnet.clientFor(privateKeySigner(car.key.privateKey))
      const channel = await client.getChannel({
        channelId: defined(fleet.channels.get(car.index), `${car.name}'s channel`),
      })
      expect(channel).toMatchObject({
        status: 'open',
        vehicle: car.key.address,
        operator: operator.payout.address,
        deposit: channelDeposit[operator.currency],
        settled: 0n,
      })
    }
  })
})
