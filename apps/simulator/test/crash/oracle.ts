// What a visit must have left behind, exactly, per flow — set beside what it did leave, in the same shape, so a test
// compares the two with one `toEqual`. The car's journal says what the car signed; the chain and the pile's channel
// ledger say what moved.
import type { ChargeChainClient } from '@chargechain/chain'
import { type Address, erc20Abi, type Hex, isAddressEqual } from 'viem'
import { escrowDepositOf } from '../../src/agentConfigs.js'
import type { ProvisionedFleet } from '../../src/provision.js'
import type { Counts, Visit } from './crashCase.js'
import { CrashWorldError } from './errors.js'
import { carRecords, ledgerEntry, pileRecords } from './journals.js'
import type { Lane } from './lane.js'

/** The chain as it stood for the car before the visit. */
export interface Before extends Counts {
  block: bigint
  nonce: number
  native: bigint
  token: bigint
  /** The car's channel's settled amount (channel lanes). */
  channelSettled: bigint
}

export async function observeBefore(
  chain: ChargeChainClient,
  fleet: ProvisionedFleet,
  lane: Lane,
  counts: Counts,
): Promise<Before> {
  const car = lane.car.key.address
  const channelId = channelOf(fleet, lane)
  const [block, nonce, { native, token }, channelSettled] = await Promise.all([
    chain.getBlockNumber({ cacheTime: 0 }),
    chain.getTransactionCount({ address: car, blockTag: 'latest' }),
    holdings(chain, fleet, car),
    channelId ? chain.getChannel({ channelId }).then((channel) => channel.settled) : 0n,
  ])
  return { ...counts, block, nonce, native, token, channelSettled }
}

/** What the car holds per currency: its wallet plus what the escrow keeps for it to withdraw (refunds land there). */
async function holdings(chain: ChargeChainClient, fleet: ProvisionedFleet, car: Address) {
  const token = fleet.currencyAddress.demoToken
  const [native, nativeHeld, tokens, tokensHeld] = await Promise.all([
    chain.getBalance({ address: car }),
    chain.balanceOf({ account: car }),
    chain.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [car] }),
    chain.balanceOf({ account: car, currency: token }),
  ])
  return { native: native + nativeHeld, token: tokens + tokensHeld }
}

function channelOf(fleet: ProvisionedFleet, lane: Lane): Hex | undefined {
  return lane.flow === 'channel' ? fleet.channels.get(lane.car.index) : undefined
}

/** How the visit ended for both agents; always the same when it ended well. */
async function visitEnd(lane: Lane, before: Before, visit: Visit) {
  const [cars, piles] = await Promise.all([
    carRecords(lane.carAgent.journal),
    pileRecords(lane.pileAgent.journal),
  ])
  const car = cars.at(-1)?.value
  const pile = piles.at(-1)?.value
  return {
    actual: {
      carPresent: visit.carPresent,
      pile: { state: visit.pileState, journaled: pile?.state, completed: pile?.data.completed },
      car: {
        state: visit.carState,
        journaled: car?.state,
        completed: car?.data.completed,
        openSession: car?.data.session !== undefined,
      },
    },
    expected: {
      carPresent: false,
      pile: { state: 'idle', journaled: 'idle', completed: before.pileCompleted + 1 },
      car: { state: 'waiting', journaled: 'waiting', completed: before.carCompleted + 1, openSession: false },
    },
  }
}

/** What the car spent: transactions sent, and what it holds less per currency; gas is counted from its own receipts. */
async function spending(chain: ChargeChainClient, fleet: ProvisionedFleet, lane: Lane, before: Before) {
  const car = lane.car.key.address
  const [nonce, { native, token }, last] = await Promise.all([
    chain.getTransactionCount({ address: car, blockTag: 'latest' }),
    holdings(chain, fleet, car),
    chain.getBlockNumber({ cacheTime: 0 }),
  ])
  const transactions = nonce - before.nonce
  let gas = 0n
  let found = 0
  for (let number = before.block + 1n; number <= last && found < transactions; number++) {
    const block = await chain.getBlock({ blockNumber: number, includeTransactions: true })
    for (const transaction of block.transactions) {
      if (!isAddressEqual(transaction.from, car)) continue
      const receipt = await chain.getTransactionReceipt({ hash: transaction.hash })
      gas += receipt.gasUsed * receipt.effectiveGasPrice
      found++
    }
  }
  return { transactions, native: before.native - native - gas, token: before.token - token }
}

/**
 * Escrow: the car paid by escrow, with one deposit of its configured size; settled once at the last voucher the car signed for it, or — when
 * the car signed nothing worth paying — the deposit back whole once (a zero settle or a refund after the window).
 * The car's balance moved by exactly that amount (plus its own gas).
 */
export async function escrowOutcome(
  chain: ChargeChainClient,
  fleet: ProvisionedFleet,
  lane: Lane,
  before: Before,
  visit: Visit,
) {
  const vehicle = lane.car.key.address
  const events = await chain.getChargeChainEvents({ fromBlock: before.block + 1n })
  const opened = events.flatMap((event) =>
    event.contract === 'sessionEscrow' &&
    event.eventName === 'SessionOpened' &&
    isAddressEqual(event.args.vehicle, vehicle)
      ? [event.args]
      : [],
  )
  const ids = new Set(opened.map((session) => session.sessionId.toLowerCase()))
  type Ending = { settled: bigint; refund: bigint } | { refunded: bigint }
  const endings = events.flatMap((event): Ending[] => {
    if (event.contract !== 'sessionEscrow') return []
    if (event.eventName === 'SessionSettled' && ids.has(event.args.sessionId.toLowerCase()))
      return [{ settled: event.args.amount, refund: event.args.refund }]
    if (event.eventName === 'SessionRefunded' && ids.has(event.args.sessionId.toLowerCase()))
      return [{ refunded: event.args.amount }]
    return []
  })
  const deposit = escrowDepositOf(lane.car.currency)
  const sessionId = opened[0]?.sessionId
  const signed = sessionId ? await lastEscrowVoucher(lane.carAgent.journal, sessionId) : undefined
  const owed = signed ?? 0n
  // With nothing signed, either way of giving the deposit back is the right one; the one taken is named.
  const only = endings.length === 1 ? endings[0] : undefined
  const wholeBack: Ending =
    only && 'refunded' in only ? { refunded: deposit } : { settled: 0n, refund: deposit }
  const spent = await spending(chain, fleet, lane, before)
  const paidIn = lane.car.currency === 'native' ? spent.native : spent.token
  const end = await visitEnd(lane, before, visit)
  return {
    actual: {
      paidBy: visit.paidBy,
      deposits: opened.map((session) => session.deposit),
      endings,
      paid: paidIn,
      visit: end.actual,
    },
    expected: {
      paidBy: ['escrow'],
      deposits: [deposit],
      endings: [owed > 0n ? { settled: owed, refund: deposit - owed } : wholeBack],
      paid: owed,
      visit: end.expected,
    },
    signed,
  }
}

/** The amount of the last voucher the car journaled for the session: its last signed promise. */
async function lastEscrowVoucher(journal: string, sessionId: Hex): Promise<bigint | undefined> {
  let amount: bigint | undefined
  for (const { value } of await carRecords(journal)) {
    const session = value.data.session
    if (
      session?.kind === 'escrow' &&
      session.escrow.sessionId.toLowerCase() === sessionId.toLowerCase() &&
      session.voucher
    )
      amount = session.voucher.amount
  }
  return amount
}

/** Free: the car charged free and nothing moved on chain for it — no session, no transaction, balances unchanged to the wei. */
export async function freeOutcome(
  chain: ChargeChainClient,
  fleet: ProvisionedFleet,
  lane: Lane,
  before: Before,
  visit: Visit,
) {
  const vehicle = lane.car.key.address
  const events = await chain.getChargeChainEvents({ fromBlock: before.block + 1n })
  const sessions = events.filter(
    (event) =>
      event.contract === 'sessionEscrow' &&
      event.eventName === 'SessionOpened' &&
      isAddressEqual(event.args.vehicle, vehicle),
  )
  const spent = await spending(chain, fleet, lane, before)
  const end = await visitEnd(lane, before, visit)
  return {
    actual: { paidBy: visit.paidBy, sessions: sessions.length, spent, visit: end.actual },
    expected: {
      paidBy: ['free'],
      sessions: 0,
      spent: { transactions: 0, native: 0n, token: 0n },
      visit: end.expected,
    },
  }
}

/**
 * Channel: the car paid through its channel; the pile's ledger and the chain both hold exactly the car's last signed
 * cumulative voucher (the pile settles every session), the channel paid out exactly the difference once, and the car
 * itself sent nothing.
 */
export async function channelOutcome(
  chain: ChargeChainClient,
  fleet: ProvisionedFleet,
  lane: Lane,
  before: Before,
  visit: Visit,
) {
  const channelId = channelOf(fleet, lane)
  if (!channelId) throw new CrashWorldError(`Car ${lane.car.name} has no channel to charge through.`)
  const car = (await carRecords(lane.carAgent.journal)).at(-1)?.value
  const signed = car?.data.channels[channelId.toLowerCase()] ?? 0n
  const [entry, onChain, events] = await Promise.all([
    ledgerEntry(lane.ledger, channelId),
    chain.getChannel({ channelId }),
    chain.getChargeChainEvents({ fromBlock: before.block + 1n }),
  ])
  const paid = events.flatMap((event) =>
    event.contract === 'paymentChannels' &&
    event.eventName === 'ChannelSettled' &&
    event.args.channelId.toLowerCase() === channelId.toLowerCase()
      ? [event.args.paid]
      : [],
  )
  const sessions = events.filter(
    (event) =>
      event.contract === 'sessionEscrow' &&
      event.eventName === 'SessionOpened' &&
      isAddressEqual(event.args.vehicle, lane.car.key.address),
  )
  const spent = await spending(chain, fleet, lane, before)
  const end = await visitEnd(lane, before, visit)
  const fresh = signed - before.channelSettled
  return {
    actual: {
      paidBy: visit.paidBy,
      // A pile records nothing for a visit that added nothing: then the operator's claim is what the chain settled.
      ledger: entry?.cumulativeAmount ?? onChain.settled,
      settled: onChain.settled,
      paidOut: paid,
      sessions: sessions.length,
      spent,
      visit: end.actual,
    },
    expected: {
      paidBy: ['channel'],
      ledger: signed,
      settled: signed,
      paidOut: fresh > 0n ? [fresh] : [],
      sessions: 0,
      spent: { transactions: 0, native: 0n, token: 0n },
      visit: end.expected,
    },
    signed,
  }
}
