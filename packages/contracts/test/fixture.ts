// Shared by the contract tests and the gas bench: one anvil, everything deployed, funded wallets, small helpers.
import { type DevChain, startAnvil } from '@chargechain/devchain'
import {
  type Abi,
  type Account,
  type Address,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  getAddress,
  type Hex,
  http,
  keccak256,
  parseEventLogs,
  parseSignature,
  type TransactionReceipt,
  toHex,
  BaseError as ViemBaseError,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { demoTokenAbi, demoTokenBytecode } from '../src/generated/DemoToken.js'
import { paymentChannelsAbi, paymentChannelsBytecode } from '../src/generated/PaymentChannels.js'
import { pileRegistryAbi, pileRegistryBytecode } from '../src/generated/PileRegistry.js'
import { sessionEscrowAbi, sessionEscrowBytecode } from '../src/generated/SessionEscrow.js'
import {
  channelDomain,
  channelVoucherTypes,
  escrowDomain,
  NATIVE_CURRENCY,
  voucherTypes,
} from '../src/index.js'

export const SETTLE_WINDOW = 3_600n
export const DISPUTE_WINDOW = 7_200n
export const CHALLENGE_PERIOD = 86_400n

export interface Session {
  vehicle: Address
  pileId: Hex
  payout: Address
  agent: Address
  currency: Address
  pricePerKWh: bigint
  deposit: bigint
  openedAt: number
  salt: Hex
}

export type Fixture = Awaited<ReturnType<typeof startFixture>>

export async function startFixture(options: { chainId?: number; accounts?: number } = {}) {
  const devChain: DevChain = await startAnvil({ chainId: options.chainId, accounts: options.accounts ?? 10 })
  const chain = defineChain({
    id: devChain.chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [devChain.rpcUrl] } },
  })
  const transport = http(devChain.rpcUrl)
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 })
  const testClient = createTestClient({ chain, transport, mode: 'anvil' })
  const accounts = devChain.privateKeys.map((key) => privateKeyToAccount(key))
  const wallets = accounts.map((account) => createWalletClient({ account, chain, transport }))
  const [deployer, arbiter] = accounts as [Account, Account]

  async function send(
    from: Account,
    call: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[]; value?: bigint },
  ): Promise<TransactionReceipt> {
    const wallet = wallets[accounts.indexOf(from as (typeof accounts)[number])]!
    // Simulate first so a revert surfaces as a decoded custom error rather than a failed receipt.
    await publicClient.simulateContract({ ...call, account: from } as never)
    const hash = await wallet.writeContract({ ...call, account: from, chain } as never)
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })
    if (receipt.status !== 'success') throw new Error(`${call.functionName} reverted on chain`)
    return receipt
  }

  async function deploy(abi: Abi, bytecode: Hex, args: readonly unknown[] = []): Promise<Address> {
    const hash = await wallets[0]!.deployContract({ abi, bytecode, args, account: deployer, chain } as never)
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })
    if (!receipt.contractAddress) throw new Error('deployment failed')
    return getAddress(receipt.contractAddress)
  }

  async function deployAll() {
    const registry = await deploy(pileRegistryAbi, pileRegistryBytecode)
    const escrow = await deploy(sessionEscrowAbi, sessionEscrowBytecode, [
      registry,
      arbiter.address,
      SETTLE_WINDOW,
      DISPUTE_WINDOW,
    ])
    const channels = await deploy(paymentChannelsAbi, paymentChannelsBytecode, [CHALLENGE_PERIOD])
    const token = await deploy(demoTokenAbi, demoTokenBytecode)
    return { registry, escrow, channels, token }
  }

  const contracts = await deployAll()

  const registry = (from: Account, functionName: string, args: readonly unknown[]) =>
    send(from, { address: contracts.registry, abi: pileRegistryAbi, functionName, args })
  const escrow = (from: Account, functionName: string, args: readonly unknown[], value?: bigint) =>
    send(from, { address: contracts.escrow, abi: sessionEscrowAbi, functionName, args, value })
  const channels = (from: Account, functionName: string, args: readonly unknown[], value?: bigint) =>
    send(from, { address: contracts.channels, abi: paymentChannelsAbi, functionName, args, value })
  const token = (from: Account, functionName: string, args: readonly unknown[]) =>
    send(from, { address: contracts.token, abi: demoTokenAbi, functionName, args })

  let pileCount = 0
  /** Registers a new pile owned by `owner`; returns its id. */
  async function registerPile(
    owner: Account,
    terms: { payout?: Address; agent?: Address; currency?: Address; pricePerKWh?: bigint } = {},
  ): Promise<Hex> {
    const pileId = keccak256(toHex(`pile-${++pileCount}`))
    await registry(owner, 'registerPile', [
      pileId,
      terms.payout ?? owner.address,
      terms.agent ?? owner.address,
      terms.currency ?? NATIVE_CURRENCY,
      terms.pricePerKWh ?? 300_000_000_000_000n,
    ])
    return pileId
  }

  let saltCount = 0
  /** Opens a session (native unless the pile is ERC-20, then approve must have happened) and returns its struct. */
  async function openSession(
    vehicle: Account,
    pileId: Hex,
    deposit: bigint,
    { value, functionName = 'openSession' }: { value?: bigint; functionName?: string } = {},
  ): Promise<{ session: Session; sessionId: Hex; receipt: TransactionReceipt }> {
    const salt = toHex(++saltCount, { size: 32 })
    const receipt = await escrow(vehicle, functionName, [pileId, salt, deposit], value)
    const [log] = parseEventLogs({ abi: sessionEscrowAbi, eventName: 'SessionOpened', logs: receipt.logs })
    if (!log) throw new Error('no SessionOpened event')
    const { sessionId, ...session } = log.args
    return { session, sessionId, receipt }
  }

  const escrowDomainFull = { ...escrowDomain, chainId: devChain.chainId, verifyingContract: contracts.escrow }
  const channelDomainFull = {
    ...channelDomain,
    chainId: devChain.chainId,
    verifyingContract: contracts.channels,
  }

  function signVoucher(
    vehicle: Account,
    message: { sessionId: Hex; energyWh: bigint; amount: bigint },
    domain: { name: string; version: string; chainId: number; verifyingContract: Address } = escrowDomainFull,
  ): Promise<Hex> {
    return vehicle.signTypedData!({ domain, types: voucherTypes, primaryType: 'Voucher', message })
  }

  function signChannelVoucher(
    vehicle: Account,
    message: { channelId: Hex; cumulativeAmount: bigint },
    domain: {
      name: string
      version: string
      chainId: number
      verifyingContract: Address
    } = channelDomainFull,
  ): Promise<Hex> {
    return vehicle.signTypedData!({
      domain,
      types: channelVoucherTypes,
      primaryType: 'ChannelVoucher',
      message,
    })
  }

  /** Signs an EIP-2612 permit of the DemoToken for `spender`, at the owner's current nonce. */
  async function signPermit(owner: Account, spender: Address, value: bigint, deadline: bigint) {
    const nonce = await publicClient.readContract({
      address: contracts.token,
      abi: demoTokenAbi,
      functionName: 'nonces',
      args: [owner.address],
    })
    const signature = await owner.signTypedData!({
      domain: {
        name: 'ChargeChain Demo Token',
        version: '1',
        chainId: devChain.chainId,
        verifyingContract: contracts.token,
      },
      types: {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit',
      message: { owner: owner.address, spender, value, nonce, deadline },
    })
    const { v, r, s } = parseSignature(signature)
    return { v: Number(v), r, s }
  }

  /** Moves chain time forward and mines a block at the new time. */
  async function advance(seconds: bigint | number) {
    await testClient.increaseTime({ seconds: Number(seconds) })
    await testClient.mine({ blocks: 1 })
  }

  async function now(): Promise<bigint> {
    return (await publicClient.getBlock()).timestamp
  }

  return {
    devChain,
    chain,
    publicClient,
    testClient,
    accounts,
    deployer,
    arbiter,
    contracts,
    deployAll,
    deploy,
    send,
    registry,
    escrow,
    channels,
    token,
    registerPile,
    openSession,
    signVoucher,
    signChannelVoucher,
    signPermit,
    escrowDomain: escrowDomainFull,
    channelDomain: channelDomainFull,
    advance,
    now,
    stop: () => devChain.stop(),
  }
}

/** Name of the custom error a failed call reverted with (decoded through the ABI the call used), else undefined. */
export function revertName(error: unknown): string | undefined {
  if (!(error instanceof ViemBaseError)) return undefined
  const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError)
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined
}

/** Awaits `promise`, expecting it to revert with the custom error `name`; returns the decoded arguments. */
export async function expectRevert(promise: Promise<unknown>, name: string): Promise<readonly unknown[]> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (error === undefined) throw new Error(`expected a revert with ${name}, but the call succeeded`)
  const actual = revertName(error)
  if (actual !== name) {
    throw new Error(`expected a revert with ${name}, got ${actual ?? (error as Error).message}`)
  }
  const reverted = (error as ViemBaseError).walk((cause) => cause instanceof ContractFunctionRevertedError)
  return ((reverted as ContractFunctionRevertedError).data?.args ?? []) as readonly unknown[]
}
