import type { Deployment } from '@chargechain/chain'
import type { PileConfigInput } from '@chargechain/pile'
import type { VehicleConfigInput } from '@chargechain/vehicle'
import { parseEther } from 'viem'
import { type CarPlan, type CurrencyKind, type FleetPlan, operatorOf, type PilePlan } from './fleet.js'
import type { ProvisionedFleet } from './provision.js'

/** What a car puts in escrow per session, and the least a pile accepts, per currency (18 decimals both). */
const escrowDeposit: Readonly<Record<CurrencyKind, bigint>> = {
  native: parseEther('0.05'),
  demoToken: parseEther('60'),
}
const minDeposit: Readonly<Record<CurrencyKind, bigint>> = {
  native: parseEther('0.001'),
  demoToken: parseEther('1'),
}

/** Timing of the simulated agents, in simulated milliseconds unless the name says real. */
export interface AgentTiming {
  /** How often the pile sends a meter reading. */
  meterIntervalMs: number
}

export const defaultTiming: AgentTiming = { meterIntervalMs: 30_000 }

/** The pile agent's config for a pile of the demo fleet, as JSON (amounts as decimal strings). */
export function pileConfigFor(
  plan: FleetPlan,
  pile: PilePlan,
  deployment: Deployment,
  rpcUrl: string,
  timing: AgentTiming = defaultTiming,
): PileConfigInput {
  const operator = operatorOf(plan, pile.operator)
  return {
    dmid: pile.dmid,
    owner: operator.owner.address,
    chain: { chainId: deployment.chainId, rpcUrl, deployment },
    payment: {
      minDeposit: minDeposit[operator.currency].toString(),
      creditWh: pile.creditWh,
      // Simulated seconds pass fast: a loaded machine delays a voucher by many of them.
      creditSeconds: 3_600,
      meterIntervalMs: timing.meterIntervalMs,
      confirmations: 1,
    },
    channelSettle: { everySessions: 5, minAmount: (minDeposit[operator.currency] * 10n).toString() },
  }
}

/** The vehicle agent's config for a car of the demo fleet, as JSON (amounts as decimal strings). */
export function vehicleConfigFor(
  fleet: ProvisionedFleet,
  car: CarPlan,
  deployment: Deployment,
  rpcUrl: string,
): VehicleConfigInput {
  const { plan } = fleet
  const highest = (price: (tariff: PilePlan['tariff']) => bigint) =>
    plan.piles.reduce(
      // biome-ignore lint/complexity/useMathMinMax: prices are bigints, which Math.max does not take.
      (max, { tariff }) => (price(tariff) > max ? price(tariff) : max),
      0n,
    )
  const channelId = fleet.channels.get(car.index)
  const operator = car.operator === undefined ? undefined : operatorOf(plan, car.operator)
  return {
    chain: { chainId: deployment.chainId, rpcUrl, deployment },
    payment: {
      maxPricePerKWh: highest((tariff) => tariff.pricePerKWh).toString(),
      maxPricePerMinute: highest((tariff) => tariff.pricePerMinute).toString(),
      maxIdlePerMinute: highest((tariff) => tariff.idlePerMinute).toString(),
      maxSessionFee: highest((tariff) => tariff.sessionFee).toString(),
      deposit: escrowDeposit[car.currency].toString(),
      preference: car.kind === 'channel' ? 'channel' : 'escrow',
      channels:
        channelId && operator
          ? [
              {
                channelId,
                operator: operator.payout.address,
                currency: fleet.currencyAddress[operator.currency],
              },
            ]
          : [],
    },
    // The simulated car meter reads up to ±0.4 % off and sees the charger's losses (8 % on AC, 5 % on DC).
    // Simulated seconds pass fast: the pile's count may run ahead of the car's by the link's delay, many of them.
    tolerance: { wh: 50, fraction: 0.1, seconds: 600 },
  }
}

/** The deposit an escrow payer of this currency puts down per session: caps what one session may cost. */
export function escrowDepositOf(currency: CurrencyKind): bigint {
  return escrowDeposit[currency]
}
