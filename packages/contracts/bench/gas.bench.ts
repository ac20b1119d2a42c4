// Gas of each contract function from real receipts on anvil, and the per-session figures the design targets.
// Prints a table, then (last line) one JSON object: { sessionGas, batchSettleGasPerSession, channelGasPerSession, … }.
// Sessions bind a full tariff (price per kWh, per minute, idle per minute, session fee: every field non-zero, as
// calldata costs more for non-zero bytes) and vouchers carry charging and idle seconds.
import { type Account, type Hex, parseEther, toHex } from 'viem'
import { paymentChannelsAbi } from '../src/generated/PaymentChannels.js'
import { NATIVE_CURRENCY } from '../src/index.js'
import {
  CHALLENGE_PERIOD,
  costOf,
  DISPUTE_WINDOW,
  eventIn,
  groupInputs,
  NO_SIGNATURE,
  SETTLE_WINDOW,
  type Session,
  startFixture,
} from '../test/fixture.js'

const BATCH = 50
const CHANNEL_SESSIONS = 100
const targets = { sessionGas: 100_000, batchSettleGasPerSession: 18_000, channelGasPerSession: 2_000 }

const f = await startFixture({ accounts: BATCH + 5 })
try {
  const [deployer, arbiter, owner, agent, payout] = f.accounts as [
    Account,
    Account,
    Account,
    Account,
    Account,
  ]
  const vehicles = f.accounts.slice(5)
  const vehicle = f.account(5)
  const functions: Record<string, number> = {}
  const notes: Record<string, string> = {}
  const gas = (receipt: { gasUsed: bigint }) => Number(receipt.gasUsed)
  const record = (name: string, receipt: { gasUsed: bigint }, note = '') => {
    functions[name] = gas(receipt)
    if (note) notes[name] = note
    return gas(receipt)
  }
  const price = parseEther('0.0003')
  const deposit = parseEther('0.05')
  const energyWh = 20_000n
  const chargingSeconds = 1_800
  const idleSeconds = 120
  const tariff = {
    pricePerKWh: price,
    pricePerMinute: parseEther('0.00002'),
    idlePerMinute: parseEther('0.0001'),
    sessionFee: parseEther('0.0005'),
  }
  const terms = f.termsFor(owner, { payout: payout.address, agent: agent.address, creditWh: 500, ...tariff })
  const amount = costOf(terms.tariff, energyWh, chargingSeconds, idleSeconds)
  const voucher = (sessionId: Hex) => ({ sessionId, energyWh, chargingSeconds, idleSeconds, amount })

  // ---- registry
  const pileId = await f.registerPile(owner, { payout: payout.address, agent: agent.address, ...tariff })
  const registerReceipt = await f.registry(owner, 'registerPile', [toHex('bench-pile', { size: 32 }), terms])
  record('registerPile', registerReceipt)
  record('setTariff', await f.registry(owner, 'setTariff', [pileId, terms.tariff]))
  record('setCredit', await f.registry(owner, 'setCredit', [pileId, terms.creditWh]))
  record('setPayout', await f.registry(owner, 'setPayout', [pileId, payout.address]))
  record('setAgent', await f.registry(owner, 'setAgent', [pileId, agent.address]))
  record(
    'setFreeVehicles',
    await f.registry(owner, 'setFreeVehicles', [pileId, [f.account(6).address], []]),
    'one vehicle added',
  )

  // ---- one session: first time (zero balances) and steady state (payout and vehicle already hold a balance)
  const settle = async (session: Session, sessionId: Hex, by: Account = agent) => {
    await f.advance(1)
    return f.escrow(by, 'settleSession', await f.settleArgs(vehicle, session, voucher(sessionId)))
  }

  const first = await f.openSession(vehicle, pileId, deposit, { value: deposit })
  record('openSession (first time)', first.receipt, 'native')
  const firstSettle = await settle(first.session, first.sessionId)
  record('settleSession (first time)', firstSettle, 'payout and vehicle balances were zero')
  const sessionGasFirst = gas(first.receipt) + gas(firstSettle)
  const steady = await f.openSession(vehicle, pileId, deposit, { value: deposit })
  record('openSession', steady.receipt, 'native')
  const steadySettle = await settle(steady.session, steady.sessionId)
  record('settleSession', steadySettle, 'steady state: payout and vehicle already hold a balance')
  const sessionGas = gas(steady.receipt) + gas(steadySettle)

  const fromBalance = await f.openSession(vehicle, pileId, deposit / 2n, {
    functionName: 'openSessionFromBalance',
  })
  record('openSessionFromBalance', fromBalance.receipt)
  await f.advance(1)
  record(
    'settleSession (refund only)',
    await f.escrow(agent, 'settleSession', [
      fromBalance.session,
      0n,
      0,
      0,
      0n,
      NO_SIGNATURE.r,
      NO_SIGNATURE.vs,
    ]),
  )

  // ---- batch of distinct vehicles: first a batch whose vehicles never had a balance, then the steady state
  const batch = async () => {
    const inputs = []
    for (const v of vehicles.slice(0, BATCH)) {
      const { session, sessionId } = await f.openSession(v, pileId, deposit, { value: deposit })
      inputs.push(await f.settleInput(v, session, voucher(sessionId)))
    }
    await f.advance(1)
    return gas(await f.escrow(agent, 'settleSessions', [groupInputs(inputs)]))
  }
  const vehiclesWithoutBalance = vehicles.slice(1, BATCH).length
  const batchFirst = await batch()
  const batchSteady = await batch()
  functions[`settleSessions ×${BATCH} (first time)`] = batchFirst
  notes[`settleSessions ×${BATCH} (first time)`] =
    `${vehiclesWithoutBalance} of the vehicles had no balance yet`
  functions[`settleSessions ×${BATCH}`] = batchSteady
  notes[`settleSessions ×${BATCH}`] = 'distinct vehicles, each already holding a balance'
  const batchSettleGasPerSession = Math.round(batchSteady / BATCH)
  const batchSettleGasPerSessionFirst = Math.round(batchFirst / BATCH)

  // ---- refund path
  const refunded = await f.openSession(vehicle, pileId, deposit, { value: deposit })
  record('requestRefund', await f.escrow(vehicle, 'requestRefund', [refunded.session]))
  await f.advance(SETTLE_WINDOW)
  record('refund', await f.escrow(vehicle, 'refund', [refunded.session]))

  // ---- disputes
  const claim = async () => {
    const { session, sessionId } = await f.openSession(vehicle, pileId, deposit, { value: deposit })
    await f.advance(1)
    const receipt = await f.escrow(agent, 'settleWithClaim', [
      ...(await f.settleArgs(vehicle, session, voucher(sessionId))),
      energyWh + 500n,
      (500n * price) / 1000n,
    ])
    return { sessionId, receipt }
  }
  const decided = await claim()
  record('settleWithClaim', decided.receipt)
  record('decideDispute', await f.escrow(arbiter, 'decideDispute', [decided.sessionId, price / 40n]))
  const expired = await claim()
  await f.advance(DISPUTE_WINDOW + 1n)
  record('expireDispute', await f.escrow(vehicle, 'expireDispute', [expired.sessionId]))
  record('withdraw', await f.escrow(payout, 'withdraw', [NATIVE_CURRENCY, payout.address]), 'native')

  // ---- ERC-20
  const tokenPile = await f.registerPile(owner, {
    payout: payout.address,
    agent: agent.address,
    currency: f.contracts.token,
  })
  await f.token(deployer, 'mint', [vehicle.address, parseEther('1000')])
  await f.token(vehicle, 'approve', [f.contracts.escrow, parseEther('1')])
  record('openSession (ERC-20)', (await f.openSession(vehicle, tokenPile, deposit)).receipt, 'after approve')
  const deadline = (await f.now()) + 3600n
  const { v, r, s } = await f.signPermit(vehicle, f.contracts.escrow, deposit, deadline)
  const permitReceipt = await f.escrow(vehicle, 'openSessionWithPermit', [
    tokenPile,
    await f.currentTerms(tokenPile),
    toHex('permit', { size: 32 }),
    deposit,
    deadline,
    v,
    r,
    s,
  ])
  record('openSessionWithPermit', permitReceipt)

  // ---- channels: one deposit, 100 sessions paid by cumulative vouchers, one interim settle, one final settle+close
  const channelDeposit = parseEther('1')
  const perSession = parseEther('0.006')
  const openReceipt = await f.channels(
    vehicle,
    'openChannel',
    [payout.address, NATIVE_CURRENCY, channelDeposit, toHex(1, { size: 32 })],
    channelDeposit,
  )
  const channelId = eventIn(openReceipt, paymentChannelsAbi, 'ChannelOpened').args.channelId
  const voucherAt = (sessions: number) => {
    const cumulativeAmount = perSession * BigInt(sessions)
    return f.signChannelVoucher(vehicle, { channelId, cumulativeAmount }).then((signature) => ({
      cumulativeAmount,
      signature,
    }))
  }
  const half = await voucherAt(CHANNEL_SESSIONS / 2)
  const settleReceipt = await f.channels(payout, 'settleChannel', [
    channelId,
    half.cumulativeAmount,
    half.signature,
  ])
  const all = await voucherAt(CHANNEL_SESSIONS)
  const closeReceipt = await f.channels(payout, 'settleAndClose', [
    channelId,
    all.cumulativeAmount,
    all.signature,
  ])
  record('openChannel', openReceipt, 'native')
  record('settleChannel', settleReceipt, 'pays the operator at once')
  record('settleAndClose', closeReceipt, 'pays the operator and returns the rest to the vehicle')
  const channelGasPerSession = Math.round(
    (gas(openReceipt) + gas(settleReceipt) + gas(closeReceipt)) / CHANNEL_SESSIONS,
  )

  const second = await f.channels(
    vehicle,
    'openChannel',
    [payout.address, NATIVE_CURRENCY, channelDeposit, toHex(2, { size: 32 })],
    channelDeposit,
  )
  const secondId = eventIn(second, paymentChannelsAbi, 'ChannelOpened').args.channelId
  record('topUp', await f.channels(vehicle, 'topUp', [secondId, parseEther('0.1')], parseEther('0.1')))
  record('requestClose', await f.channels(vehicle, 'requestClose', [secondId]))
  await f.advance(CHALLENGE_PERIOD)
  record(
    'closeChannel',
    await f.channels(vehicle, 'closeChannel', [secondId]),
    'returns the deposit to the vehicle',
  )

  // ---- report
  const rows = Object.entries(functions).map(([name, used]) => ({
    name,
    used: used.toLocaleString('en-US'),
    note: notes[name] ?? '',
  }))
  const width = Math.max(...rows.map(({ name }) => name.length))
  console.log(`${'function'.padEnd(width)}  ${'gas'.padStart(9)}  notes`)
  for (const { name, used, note } of rows) console.log(`${name.padEnd(width)}  ${used.padStart(9)}  ${note}`)
  const summary = { sessionGas, batchSettleGasPerSession, channelGasPerSession }
  const firstTime = { sessionGasFirst, batchSettleGasPerSessionFirst }
  const beside: Record<keyof typeof summary, string> = {
    sessionGas: `first session ${sessionGasFirst.toLocaleString('en-US')}`,
    batchSettleGasPerSession: `first batch ${batchSettleGasPerSessionFirst.toLocaleString('en-US')}`,
    channelGasPerSession: '',
  }
  console.log('')
  for (const [name, value] of Object.entries(summary) as [keyof typeof summary, number][]) {
    const target = targets[name]
    console.log(
      `${name.padEnd(26)} ${value.toLocaleString('en-US').padStart(9)}  target ≤ ${target.toLocaleString('en-US')}  ${value <= target ? 'ok  ' : 'OVER'}  ${beside[name]}`,
    )
  }
  console.log(JSON.stringify({ ...summary, ...firstTime, targets, functions }))
} finally {
  await f.stop()
}
