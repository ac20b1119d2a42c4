import { pileIdFromDmid } from '@chargechain/chain'
import { defined } from '@chargechain/errors'
import { type ChargerSpec, chargers } from '@chargechain/hardware'
import { type Hex, keccak256, parseEther, stringToBytes } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { SimulatorOptionError } from './errors.js'
import { createRandom } from './random.js'

export type CurrencyKind = 'native' | 'demoToken'

/** The demo token's symbol (DemoToken.sol's), as the dashboard and the progress line name it. */
export const demoTokenSymbol = 'CCD'
export type CarKind = 'owner' | 'escrow' | 'channel'

export interface Account {
  readonly privateKey: Hex
  readonly address: Hex
}

export interface OperatorPlan {
  readonly index: number
  readonly name: string
  /** Owns the operator's piles and sets their tariffs and free lists. */
  readonly owner: Account
  /** Receives the piles' earnings; payment channels are opened to it. */
  readonly payout: Account
  readonly currency: CurrencyKind
  /** The operator's tariff beyond the energy price: each operator charges in its own way. */
  readonly tariffStyle: TariffStyle
}

/** Energy only; energy plus a fee per session; energy plus time charging and an overstay fee once full. */
export type TariffStyle = 'energy' | 'sessionFee' | 'time'

export interface PilePlan {
  readonly index: number
  readonly dmid: string
  readonly name: string
  readonly pileId: Hex
  readonly operator: number
  /** The pile Pi's hot key: settles sessions, never owns the pile. */
  readonly agent: Account
  readonly charger: ChargerSpec
  /** Smallest currency unit per kWh, per minute charging, per minute idling once full, and per session. */
  readonly tariff: {
    readonly pricePerKWh: bigint
    readonly pricePerMinute: bigint
    readonly idlePerMinute: bigint
    readonly sessionFee: bigint
  }
  /** Wh the pile delivers ahead of the car's vouchers (the registry's credit, which caps a claim). */
  readonly creditWh: number
}

export interface CarPlan {
  readonly index: number
  readonly name: string
  readonly kind: CarKind
  readonly key: Account
  /** The operator whose piles it charges at: the one it belongs to (owner) or has a channel with; any for escrow. */
  readonly operator: number | undefined
  /** The currency it pays in; an escrow payer charges at every pile of that currency. */
  readonly currency: CurrencyKind
  readonly batteryWh: number
  /** Relative error of the car's own meter; small enough to stay inside the tolerance. */
  readonly meterError: number
}

export interface FleetPlan {
  readonly operators: readonly OperatorPlan[]
  readonly piles: readonly PilePlan[]
  readonly cars: readonly CarPlan[]
}

export interface FleetSize {
  piles: number
  cars: number
  seed?: number
}

/** Operators of the demo fleet; the prototype's operators read Chinese, so their names come first. */
const operatorTemplates: readonly { name: string; currency: CurrencyKind; tariffStyle: TariffStyle }[] = [
  { name: '上海电力 Shanghai Power', currency: 'native', tariffStyle: 'energy' },
  { name: '特来电 TELD', currency: 'demoToken', tariffStyle: 'sessionFee' },
  { name: '星星充电 Star Charge', currency: 'native', tariffStyle: 'time' },
]
const cityNames = ['上海 徐汇', '上海 浦东', '杭州 西湖', '苏州 园区', '南京 鼓楼'] as const

/** A deterministic dev key: the same fleet gets the same addresses every run, so logs are comparable. */
function devAccount(role: string, index: number, seed: number): Account {
  const privateKey = keccak256(stringToBytes(`chargechain/simulator/${seed}/${role}/${index}`))
  return { privateKey, address: privateKeyToAddress(privateKey) }
}

/**
 * The demo fleet: three operators (two paid in the native coin, one in DemoToken), piles spread over them (every
 * fourth a 60 kW DC charger), and cars of three kinds — the operators' own cars (on their piles' free lists), escrow
 * payers (charge anywhere, one escrow session per charge) and channel payers (one channel with one operator).
 */
export function planFleet({ piles, cars, seed = 1 }: FleetSize): FleetPlan {
  if (!(Number.isInteger(piles) && piles >= 1 && piles <= 1_000)) {
    throw new SimulatorOptionError('--piles', 'a whole number from 1 to 1000', piles)
  }
  if (!(Number.isInteger(cars) && cars >= 1 && cars <= 5_000)) {
    throw new SimulatorOptionError('--cars', 'a whole number from 1 to 5000', cars)
  }
  const random = createRandom(seed)
  const operators = operatorTemplates.slice(0, piles).map((template, index) => ({
    index,
    ...template,
    owner: devAccount('operator-owner', index, seed),
    payout: devAccount('operator-payout', index, seed),
  }))
  const operatorCount = operators.length
  const pilePlans = Array.from({ length: piles }, (_, index): PilePlan => {
    const operator = defined(operators[index % operatorCount], `operator ${index % operatorCount}`)
    const dmid = `CC-${String(index + 1).padStart(4, '0')}`
    const charger = index % 4 === 3 ? chargers.dc60kW : chargers.ac7kW
    // DC costs more per kWh, as at real stations; prices vary a little between piles.
    const basePerKWh = operator.currency === 'native' ? parseEther('0.0003') : parseEther('0.35')
    const markup = BigInt(100 + random.integer(0, 20) + (charger === chargers.dc60kW ? 40 : 0))
    const pricePerKWh = (basePerKWh * markup) / 100n
    // A session fee of about a third of a kWh; per minute about a tenth of a kWh, twice that idling once full.
    const style = operator.tariffStyle
    return {
      index,
      dmid,
      name: `${cityNames[index % cityNames.length]} ${Math.floor(index / cityNames.length) + 1}号桩`,
      pileId: pileIdFromDmid(operator.owner.address, dmid),
      operator: operator.index,
      agent: devAccount('pile-agent', index, seed),
      charger,
      tariff: {
        pricePerKWh,
        pricePerMinute: style === 'time' ? pricePerKWh / 10n : 0n,
        idlePerMinute: style === 'time' ? pricePerKWh / 5n : 0n,
        sessionFee: style === 'sessionFee' ? pricePerKWh / 3n : 0n,
      },
      creditWh: 200,
    }
  })
  const kinds: readonly CarKind[] = ['escrow', 'channel', 'owner', 'escrow', 'channel']
  const carPlans = Array.from({ length: cars }, (_, index): CarPlan => {
    const kind = defined(kinds[index % kinds.length], `car kind ${index % kinds.length}`)
    const operator = kind === 'escrow' ? undefined : random.integer(0, operatorCount - 1)
    return {
      index,
      name: `${kind}-car-${index + 1}`,
      kind,
      key: devAccount('car', index, seed),
      operator,
      currency: (operator === undefined ? random.pick(operators) : operatorOf({ operators }, operator))
        .currency,
      batteryWh: random.pick([40_000, 60_000, 75_000, 90_000]),
      meterError: random.between(-0.004, 0.004),
    }
  })
  return { operators, piles: pilePlans, cars: carPlans }
}

/** Whether a car may charge at a pile: its operator's piles, or for an escrow payer every pile in its currency. */
export function mayChargeAt(plan: FleetPlan, car: CarPlan, pile: PilePlan): boolean {
  if (car.operator !== undefined) return pile.operator === car.operator
  return operatorOf(plan, pile.operator).currency === car.currency
}

/** The operator at `index` of the plan; indices in a plan always name one of its operators. */
export function operatorOf(plan: Pick<FleetPlan, 'operators'>, index: number): OperatorPlan {
  return defined(plan.operators[index], `operator ${index} of the fleet plan`)
}
