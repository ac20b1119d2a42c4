import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  createChargeChainClient,
  type Deployment,
  defineTerms,
  deployChargeChain,
  parseDeployment,
  privateKeySigner,
} from '@chargechain/chain'
import {
  demoTokenAbi,
  paymentChannelsBytecode,
  pileRegistryBytecode,
  sessionEscrowBytecode,
} from '@chargechain/contracts'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import {
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  maxUint256,
  parseEther,
  zeroAddress,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { BenchSetupError } from './errors.js'
import { RawSender } from './rawSender.js'
import { type BenchPile, channelRound, escrowRound, openChannels, VOUCHERS_PER_CHANNEL } from './sessions.js'

/*
 * The indexer bench's dev chain: piles of two operators (native and token tariffs), escrow sessions opened by the
 * cars and settled by the piles' agents (in batches and one by one), and payment channels whose vouchers the
 * operators settle, every voucher within its deposit (the contracts refuse any other; the builder checks first).
 * Built once with automine off and cached as an anvil state dump; later runs load the dump.
 */

export interface BenchChain {
  chain: DevChain
  deployment: Deployment
  /** Settled sessions on the chain: escrow sessions, and channel sessions (one settled voucher each). */
  escrowSessions: number
  channelSessions: number
  channels: number
  head: number
  /** Whether this run built the chain (false: loaded from the cache). */
  built: boolean
  buildSeconds: number
}

interface Meta {
  deployment: unknown
  escrowSessions: number
  channelSessions: number
  channels: number
  head: number
}

const OWNERS = [1, 2]
const VEHICLES = Array.from({ length: 16 }, (_, i) => 4 + i)
const PILES_PER_OWNER = 10
const ROUND = 500

/** The cached chain for `sessions` settled sessions (80 % escrow, 20 % channel), built first if missing. */
export async function benchChain(sessions: number, cacheRoot: string): Promise<BenchChain> {
  const key = createHash('sha256')
    .update([pileRegistryBytecode, sessionEscrowBytecode, paymentChannelsBytecode, String(sessions)].join())
    .update(await readFile(new URL(import.meta.url)))
    .update(await readFile(new URL('./sessions.ts', import.meta.url)))
    .update(await readFile(new URL('./rawSender.ts', import.meta.url)))
    .digest('hex')
    .slice(0, 16)
  const dir = join(cacheRoot, `indexer-${sessions}-${key}`)
  const statePath = join(dir, 'state.json')
  const metaPath = join(dir, 'meta.json')
  const cached = await readFile(metaPath, 'utf8').then(
    (text) => JSON.parse(text) as Meta,
    () => undefined,
  )
  if (cached) {
    const began = performance.now()
    const chain = await startAnvil({
      accounts: 20,
      args: ['--load-state', statePath],
      startTimeoutMs: 120_000,
    })
    const head = Number(await new RawSender(chain.rpcUrl, chain.chainId, 0).rpc<Hex>('eth_blockNumber'))
    if (head === cached.head)
      return {
        ...cached,
        chain,
        deployment: parseDeployment(cached.deployment),
        built: false,
        buildSeconds: (performance.now() - began) / 1000,
      }
    // A dump that lost its blocks is no cache: build again.
    await chain.stop()
  }
  // Dumps of older builders or contracts are stale: only this one is kept.
  for (const entry of await readdir(cacheRoot).catch(() => []))
    if (entry.startsWith(`indexer-${sessions}-`))
      await rm(join(cacheRoot, entry), { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const began = performance.now()
  const meta = await build(sessions, statePath)
  await writeFile(metaPath, JSON.stringify(meta))
  const buildSeconds = (performance.now() - began) / 1000
  const chain = await startAnvil({ accounts: 20, args: ['--load-state', statePath], startTimeoutMs: 120_000 })
  return { ...meta, chain, deployment: parseDeployment(meta.deployment), built: true, buildSeconds }
}

async function build(sessions: number, statePath: string): Promise<Meta> {
  const chain = await startAnvil({ accounts: 20, args: ['--dump-state', statePath] })
  let meta: Meta
  try {
    meta = await fill(chain, sessions)
  } finally {
    // anvil writes the dump as it exits.
    await chain.stop()
  }
  const written = await stat(statePath).catch(() => undefined)
  if (!written?.size) throw new BenchSetupError(`anvil wrote no state dump at ${statePath}`)
  return meta
}

/** Every transaction of the bench's chain, on a fresh anvil. */
async function fill(chain: DevChain, sessions: number): Promise<Meta> {
  const keys = chain.privateKeys
  const account = (index: number) => privateKeyToAccount(keys[index] ?? '0x')
  const deployer = createWalletClient({
    account: account(0),
    chain: foundry,
    transport: http(chain.rpcUrl),
    pollingInterval: 20,
  })
  const deployment = await deployChargeChain(deployer, {
    arbiter: account(0).address,
    settleWindow: 86_400,
    disputeWindow: 86_400,
    challengePeriod: 86_400,
    demoToken: true,
  })
  const token = deployment.contracts.demoToken
  if (!token) throw new BenchSetupError('the dev deployment has no demo token')
  const { sessionEscrow: escrow, paymentChannels: channelsAddress } = deployment.contracts

  // Piles, with automine on: a few dozen transactions through the ordinary client.
  const piles: BenchPile[] = []
  for (const ownerIndex of OWNERS) {
    const owner = account(ownerIndex)
    const client = createChargeChainClient({
      deployment,
      rpcUrl: chain.rpcUrl,
      signer: privateKeySigner(keys[ownerIndex] ?? '0x'),
      pollingInterval: 20,
    })
    for (let i = 0; i < PILES_PER_OWNER; i++) {
      const terms = defineTerms({
        payout: owner.address,
        agent: owner.address,
        currency: i % 2 === 0 ? zeroAddress : token,
        pricePerKWh: i % 2 === 0 ? parseEther('0.0003') : parseEther('0.25'),
        pricePerMinute: i % 2 === 0 ? parseEther('0.00001') : 0n,
        sessionFee: i % 2 === 0 ? parseEther('0.0001') : parseEther('0.5'),
        creditWh: 1_000,
      })
      const { pileId } = await client.registerPile({ dmid: `BENCH-${ownerIndex}-${i}`, terms })
      piles.push({ pileId, terms, owner })
    }
  }

  const block = await new RawSender(chain.rpcUrl, chain.chainId, 0).rpc<{ timestamp: Hex }>(
    'eth_getBlockByNumber',
    ['latest', false],
  )
  const sender = new RawSender(chain.rpcUrl, chain.chainId, Number(block.timestamp))
  await sender.rpc('evm_setAutomine', [false])
  const vehicles = VEHICLES.map(account)
  const operators = OWNERS.map(account)
  for (const signer of [account(0), ...vehicles, ...operators]) await sender.track(signer)
  for (const vehicle of vehicles) {
    const mint = encodeFunctionData({
      abi: demoTokenAbi,
      functionName: 'mint',
      args: [vehicle.address, parseEther('1000000')],
    })
    sender.send(account(0), { to: token, data: mint, gas: 200_000n })
    for (const spender of [escrow, channelsAddress])
      sender.send(vehicle, {
        to: token,
        data: encodeFunctionData({
          abi: demoTokenAbi,
          functionName: 'approve',
          args: [spender, maxUint256],
        }),
        gas: 100_000n,
      })
  }
  await sender.mine()

  const escrowSessions = Math.round(sessions * 0.8)
  const channelCount = Math.max(1, Math.round((sessions - escrowSessions) / VOUCHERS_PER_CHANNEL))
  const channels = await openChannels(sender, deployment, channelCount, vehicles, piles)
  let channelSessions = 0
  for (let round = 0, opened = 0; opened < escrowSessions || round < VOUCHERS_PER_CHANNEL; round++) {
    const size = Math.min(ROUND, escrowSessions - opened)
    if (size > 0) await escrowRound(sender, deployment, piles, vehicles, opened, size)
    opened += size
    // Each round, every open channel's car charges once more and its operator settles the new voucher.
    if (round < VOUCHERS_PER_CHANNEL)
      channelSessions += await channelRound(sender, deployment, channels, round)
  }
  const head = Number(await sender.rpc<Hex>('eth_blockNumber'))
  return { deployment, escrowSessions, channelSessions, channels: channels.length, head }
}
