import {
  type ChargeChainClient,
  createChargeChainClient,
  type Deployment,
  defineTerms,
  deployChargeChain,
  priceOf,
  privateKeySigner,
  type Session,
  signChannelVoucher,
  signVoucher,
  type Terms,
  tariffCost,
} from '@chargechain/chain'
import { demoTokenAbi } from '@chargechain/contracts'
import type { Database } from '@chargechain/db'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import {
  type Client,
  createClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  parseEther,
} from 'viem'
import { foundry } from 'viem/chains'
import { type CreateIndexerParameters, createIndexer } from '../src/index.js'

export const windows = { settleWindow: 60, disputeWindow: 120, challengePeriod: 60 }

/** One anvil with ChargeChain deployed and a client per role; the scenario's steps below make every event. */
export async function startChain() {
  const chain = await startAnvil({ accounts: 9 })
  const signers = chain.privateKeys.map((key) => privateKeySigner(key))
  const signer = (index: number) => {
    const found = signers[index]
    if (!found) throw new Error(`anvil has no account ${index}`)
    return found
  }
  const deployer = createWalletClient({
    account: signer(0).account,
    chain: foundry,
    transport: http(chain.rpcUrl),
    pollingInterval: 50,
  })
  const deployment = await deployChargeChain(deployer, {
    arbiter: signer(0).address,
    ...windows,
    demoToken: true,
  })
  const clientFor = (index: number) =>
    createChargeChainClient({ deployment, rpcUrl: chain.rpcUrl, signer: signer(index), pollingInterval: 50 })
  const roles = {
    arbiter: clientFor(0),
    owner: clientFor(1),
    agent: clientFor(2),
    vehicle: clientFor(3),
    payout: clientFor(4),
    owner2: clientFor(5),
    vehicle2: clientFor(6),
    payout2: clientFor(7),
  }
  const token = deployment.contracts.demoToken
  if (!token) throw new Error('the dev deployment has a demo token')
  for (const vehicle of [roles.vehicle, roles.vehicle2])
    await roles.arbiter.writeContract({
      address: token,
      abi: demoTokenAbi,
      functionName: 'mint',
      args: [address(vehicle), parseEther('1000')],
      account: signer(0).account,
      chain: roles.arbiter.chain,
    })
  const testClient = createTestClient({ mode: 'anvil', transport: http(chain.rpcUrl) })
  return {
    chain,
    deployment,
    token,
    ...roles,
    testClient,
    /** Moves chain time forward and mines a block. */
    async passTime(seconds: number) {
      await testClient.increaseTime({ seconds })
      await testClient.mine({ blocks: 1 })
    },
    stop: () => chain.stop(),
  }
}

export type Chain = Awaited<ReturnType<typeof startChain>>

export function address(client: ChargeChainClient): Hex {
  const account = client.account
  if (!account) throw new Error('a role client has an account')
  return account.address
}

/** A read-only client on `rpcUrl` that fails at once rather than retrying (the indexer retries by itself). */
export function readClient(rpcUrl: string): Client {
  return createClient({ transport: http(rpcUrl, { retryCount: 0 }) })
}

export function indexerFor(
  database: Database,
  chain: { deployment: Deployment; chain: Pick<DevChain, 'rpcUrl'> },
  options: Partial<CreateIndexerParameters> = {},
) {
  return createIndexer({
    database,
    client: readClient(chain.chain.rpcUrl),
    deployment: chain.deployment,
    confirmations: 0,
    ...options,
  })
}

/** Signs the car's voucher for `energyWh` at the session's tariff. */
export async function voucher(
  c: Chain,
  car: ChargeChainClient,
  sessionId: Hex,
  session: Session,
  energyWh: bigint,
) {
  const chargingSeconds = Number(energyWh / 10n)
  const amount = tariffCost(session.terms.tariff, energyWh, chargingSeconds, 0)
  const account = car.account
  if (account?.type !== 'local') throw new Error('a role client holds a local account')
  const signature = await signVoucher({
    account,
    chainId: c.deployment.chainId,
    escrow: c.deployment.contracts.sessionEscrow,
    sessionId,
    energyWh,
    chargingSeconds,
    idleSeconds: 0,
    amount,
  })
  return { energyWh, chargingSeconds, idleSeconds: 0, amount, signature }
}

export async function channelVoucher(
  c: Chain,
  car: ChargeChainClient,
  channelId: Hex,
  cumulativeAmount: bigint,
) {
  const account = car.account
  if (account?.type !== 'local') throw new Error('a role client holds a local account')
  return signChannelVoucher({
    account,
    chainId: c.deployment.chainId,
    channels: c.deployment.contracts.paymentChannels,
    channelId,
    cumulativeAmount,
  })
}

export interface Piles {
  native: { pileId: Hex; terms: Terms }
  token: { pileId: Hex; terms: Terms }
}

/** Two piles (native and token), a free list, a tariff change. */
export async function registerPiles(c: Chain, prefix: string): Promise<Piles> {
  const nativeTerms = defineTerms({
    payout: address(c.payout),
    agent: address(c.agent),
    pricePerKWh: parseEther('0.0003'),
    pricePerMinute: parseEther('0.00001'),
    sessionFee: parseEther('0.0001'),
    creditWh: 1_000,
  })
  const tokenTerms = defineTerms({
    payout: address(c.payout),
    agent: address(c.agent),
    currency: c.token,
    pricePerKWh: parseEther('0.0002'),
    creditWh: 500,
  })
  const native = await c.owner.registerPile({ dmid: `${prefix}-NATIVE`, terms: nativeTerms })
  const token = await c.owner.registerPile({ dmid: `${prefix}-TOKEN`, terms: tokenTerms })
  await c.owner.setFreeVehicles({ pileId: native.pileId, add: [address(c.vehicle2), address(c.payout2)] })
  await c.owner.setFreeVehicles({ pileId: native.pileId, remove: [address(c.payout2)] })
  const newTariff = { ...nativeTerms.tariff, pricePerKWh: parseEther('0.00035') }
  await c.owner.setTariff({ pileId: native.pileId, tariff: newTariff })
  return {
    native: { pileId: native.pileId, terms: { ...nativeTerms, tariff: newTariff } },
    token: { pileId: token.pileId, terms: tokenTerms },
  }
}

export async function open(car: ChargeChainClient, pile: Piles['native'], deposit = parseEther('0.01')) {
  const opened = await car.openSession({ pileId: pile.pileId, terms: pile.terms, deposit })
  return { ...opened, car }
}

export type Opened = Awaited<ReturnType<typeof open>>

export async function settle(c: Chain, opened: Opened, energyWh: bigint) {
  const signed = await voucher(c, opened.car, opened.sessionId, opened.session, energyWh)
  await c.agent.settleSession({ session: opened.session, ...signed })
}

/** Settles with a claim of the whole credit beyond the voucher, which the arbiter then decides or lets expire. */
export async function claim(c: Chain, opened: Opened, energyWh: bigint) {
  const signed = await voucher(c, opened.car, opened.sessionId, opened.session, energyWh)
  const extraWh = BigInt(opened.session.terms.creditWh)
  await c.agent.settleWithClaim({
    session: opened.session,
    ...signed,
    claimedEnergyWh: energyWh + extraWh,
    claimedAmount: priceOf(extraWh, opened.session.terms.tariff.pricePerKWh),
  })
}
