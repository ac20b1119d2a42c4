import { privateKeySigner } from '@chargechain/chain'
import { demoTokenAbi } from '@chargechain/contracts'
import { defined } from '@chargechain/errors'
import { type Address, type Hex, parseEther, zeroAddress } from 'viem'
import type { DevNet } from './devnet.js'
import { FleetSetupError } from './errors.js'
import { type CurrencyKind, type FleetPlan, operatorOf } from './fleet.js'

/** What exists on chain once the fleet is set up. */
export interface ProvisionedFleet {
  readonly plan: FleetPlan
  /** Token address per currency kind (the zero address for the native coin). */
  readonly currencyAddress: Readonly<Record<CurrencyKind, Address>>
  /** Channel id per car index, for channel payers. */
  readonly channels: ReadonlyMap<number, Hex>
}

/** What a channel payer deposits once, enough for many sessions. */
export const channelDeposit: Readonly<Record<CurrencyKind, bigint>> = {
  native: parseEther('2'),
  demoToken: parseEther('2000'),
}

/** Each car's DemoToken float: escrow deposits in the token come from it. */
const tokenFloat = parseEther('100000')

async function step<Result>(what: string, run: () => Promise<Result>): Promise<Result> {
  try {
    return await run()
  } catch (error) {
    throw new FleetSetupError(`Setting up the demo fleet failed while ${what}.`, { cause: error })
  }
}

/**
 * Puts the demo fleet on chain: funds every account, mints DemoToken to the cars, registers each pile with its
 * operator's payout, its own agent key and its tariff, puts the operators' own cars on their piles' free lists, and
 * opens each channel payer's channel with its operator.
 */
export async function provisionFleet(devnet: DevNet, plan: FleetPlan): Promise<ProvisionedFleet> {
  const token = devnet.deployment.contracts.demoToken
  if (!token) throw new FleetSetupError('The deployment has no DemoToken; deploy with demoToken: true.')
  const currencyAddress: Record<CurrencyKind, Address> = { native: zeroAddress, demoToken: token }
  const accounts = [
    ...plan.operators.flatMap((operator) => [operator.owner.address, operator.payout.address]),
    ...plan.piles.map((pile) => pile.agent.address),
    ...plan.cars.map((car) => car.key.address),
  ]
  await step('funding the accounts', () => devnet.fund(accounts))

  await step('minting DemoToken to the cars', async () => {
    for (const car of plan.cars) {
      const hash = await devnet.admin.writeContract({
        address: token,
        abi: demoTokenAbi,
        functionName: 'mint',
        args: [car.key.address, tokenFloat],
        account: devnet.deployer.account,
        chain: devnet.admin.chain,
      })
      await devnet.admin.waitForTransactionReceipt({ hash })
    }
  })

  // Each operator's transactions go one after another (one nonce sequence); operators proceed in parallel.
  await Promise.all(
    plan.operators.map((operator) =>
      step(`registering ${operator.name}'s piles`, async () => {
        const client = devnet.clientFor(privateKeySigner(operator.owner.privateKey, operator.name))
        const freeCars = plan.cars
          .filter((car) => car.kind === 'owner' && car.operator === operator.index)
          .map((car) => car.key.address)
        for (const pile of plan.piles.filter((candidate) => candidate.operator === operator.index)) {
          const terms = {
            payout: operator.payout.address,
            agent: pile.agent.address,
            tariff: { currency: currencyAddress[operator.currency], ...pile.tariff },
            creditWh: pile.creditWh,
          }
          const { pileId } = await client.registerPile({ dmid: pile.dmid, terms })
          if (pileId !== pile.pileId)
            throw new FleetSetupError(`Pile ${pile.dmid} was registered as ${pileId}.`)
          if (freeCars.length > 0) await client.setFreeVehicles({ pileId: pile.pileId, add: freeCars })
        }
      }),
    ),
  )

  const channels = new Map<number, Hex>()
  await Promise.all(
    plan.cars
      .filter((car) => car.kind === 'channel')
      .map((car) =>
        step(`opening ${car.name}'s channel`, async () => {
          const operator = operatorOf(plan, defined(car.operator, `${car.name}'s operator`))
          const client = devnet.clientFor(privateKeySigner(car.key.privateKey, car.name))
          const { channelId } = await client.openChannel({
            operator: operator.payout.address,
            currency: currencyAddress[operator.currency],
            deposit: channelDeposit[operator.currency],
          })
          channels.set(car.index, channelId)
        }),
      ),
  )
  return { plan, currencyAddress, channels }
}
