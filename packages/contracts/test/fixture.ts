// Shared by the contract tests and the gas bench: one anvil, everything deployed, funded wallets, small helpers.
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { defined } from '@chargechain/errors'
import {
  type Abi,
  type Account,
  type Address,
  type ContractEventName,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  decodeErrorResult,
  defineChain,
  encodeAbiParameters,
  encodeDeployData,
  getAddress,
  type Hex,
  http,
  keccak256,
  type LocalAccount,
  type Log,
  parseEventLogs,
  parseSignature,
  signatureToCompactSignature,
  type TransactionReceipt,
  toHex,
  BaseError as ViemBaseError,
  zeroHash,
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

export interface Tariff {
  currency: Address
  pricePerKWh: bigint
  pricePerMinute: bigint
  idlePerMinute: bigint
  sessionFee: bigint
}
export interface Terms {
  payout: Address
  agent: Address
  tariff: Tariff
  creditWh: number
}
export interface Session {
  vehicle: Address
  pileId: Hex
  terms: Terms
  deposit: bigint
  openedAt: number
  salt: Hex
}
export interface Voucher {
  sessionId: Hex
  energyWh: bigint
  chargingSeconds?: number
  idleSeconds?: number
  amount: bigint
}

export const DEFAULT_PRICE = 300_000_000_000_000n
export const DEFAULT_CREDIT_WH = 500

/** Every fixture account holds its private key; signing typed data needs that. */
const local = (account: Account): LocalAccount =>
  defined(account.type === 'local' ? account : undefined, `the private key of ${account.address}`)

/** The test oracle for `SessionEscrow.tariffCost`, written from the formula, not from the contract. */
export function costOf(tariff: Tariff, energyWh: bigint, chargingSeconds = 0, idleSeconds = 0): bigint {
  const scaled =
    energyWh * tariff.pricePerKWh * 60n +
    (BigInt(chargingSeconds) * tariff.pricePerMinute + BigInt(idleSeconds) * tariff.idlePerMinute) * 1000n
  return tariff.sessionFee + (scaled + 59_999n) / 60_000n
}

/** `keccak256(abi.encode(session))`, as the escrow hashes it into the session id. */
export function hashSession(session: Session): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'address' },
        { type: 'bytes32' },
        termsParameter,
        { type: 'uint128' },
        { type: 'uint40' },
        { type: 'bytes32' },
      ],
      [session.vehicle, session.pileId, session.terms, session.deposit, session.openedAt, session.salt],
    ),
  )
}

/** `keccak256(abi.encode(terms))`, as the registry and escrow hash them. */
export function hashTerms(terms: Terms): Hex {
  return keccak256(encodeAbiParameters([termsParameter], [terms]))
}
const termsParameter = {
  type: 'tuple',
  components: [
    { name: 'payout', type: 'address' },
    { name: 'agent', type: 'address' },
    {
      name: 'tariff',
      type: 'tuple',
      components: [
        { name: 'currency', type: 'address' },
        { name: 'pricePerKWh', type: 'uint96' },
        { name: 'pricePerMinute', type: 'uint96' },
        { name: 'idlePerMinute', type: 'uint96' },
        { name: 'sessionFee', type: 'uint96' },
      ],
    },
    { name: 'creditWh', type: 'uint32' },
  ],
} as const

export type Fixture = Awaited<ReturnType<typeof startFixture>>

export async function startFixture(
  options: { chainId?: number; accounts?: number; anvilArgs?: string[] } = {},
) {
  const devChain: DevChain = await startAnvil({
    chainId: options.chainId,
    accounts: options.accounts ?? 10,
    args: options.anvilArgs,
  })
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
  const walletOf = (account: Account) =>
    defined(
      wallets.find((wallet) => wallet.account.address === account.address),
      `a wallet for ${account.address}`,
    )

  async function send(
    from: Account,
    call: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[]; value?: bigint },
  ): Promise<TransactionReceipt> {
    const wallet = walletOf(from)
    // Simulate first so a revert surfaces as a decoded custom error rather than a failed receipt.
    await publicClient.simulateContract({ ...call, account: from } as never)
    const hash = await wallet.writeContract({ ...call, account: from, chain } as never)
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })
    if (receipt.status !== 'success') throw new Error(`${call.functionName} reverted on chain`)
    return receipt
  }

  async function deploy(abi: Abi, bytecode: Hex, args: readonly unknown[] = []): Promise<Address> {
    const hash = await walletOf(deployer).deployContract({
      abi,
      bytecode,
      args,
      account: deployer,
      chain,
    } as never)
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

  /** Terms with defaults: the owner as payout and agent, native coin at DEFAULT_PRICE per kWh, DEFAULT_CREDIT_WH. */
  function termsFor(
    owner: Account,
    terms: { payout?: Address; agent?: Address; creditWh?: number } & Partial<Tariff> = {},
  ): Terms {
    return {
      payout: terms.payout ?? owner.address,
      agent: terms.agent ?? owner.address,
      tariff: {
        currency: terms.currency ?? NATIVE_CURRENCY,
        pricePerKWh: terms.pricePerKWh ?? DEFAULT_PRICE,
        pricePerMinute: terms.pricePerMinute ?? 0n,
        idlePerMinute: terms.idlePerMinute ?? 0n,
        sessionFee: terms.sessionFee ?? 0n,
      },
      creditWh: terms.creditWh ?? DEFAULT_CREDIT_WH,
    }
  }

  let pileCount = 0
  /** Registers a new pile owned by `owner` (terms: see `termsFor`); returns its id. */
  async function registerPile(owner: Account, terms: Parameters<typeof termsFor>[1] = {}): Promise<Hex> {
    const dmid = keccak256(toHex(`pile-${++pileCount}`))
    await registry(owner, 'registerPile', [dmid, termsFor(owner, terms)])
    return pileIdOf(owner.address, dmid)
  }

  /** The pile's current terms, as the registry holds them. */
  async function currentTerms(pileId: Hex): Promise<Terms> {
    const pile = await publicClient.readContract({
      address: contracts.registry,
      abi: pileRegistryAbi,
      functionName: 'getPile',
      args: [pileId],
    })
    return pile.terms
  }

  let saltCount = 0
  /**
   * Opens a session (native unless the pile is ERC-20, then approve must have happened) bound to `terms` (the
   * pile's current terms by default) and returns its struct, checked against the SessionOpened event.
   */
  async function openSession(
    vehicle: Account,
    pileId: Hex,
    deposit: bigint,
    {
      value,
      functionName = 'openSession',
      terms,
    }: { value?: bigint; functionName?: string; terms?: Terms } = {},
  ): Promise<{ session: Session; sessionId: Hex; receipt: TransactionReceipt }> {
    const salt = toHex(++saltCount, { size: 32 })
    const bound = terms ?? (await currentTerms(pileId))
    const receipt = await escrow(vehicle, functionName, [pileId, bound, salt, deposit], value)
    const { sessionId, termsHash, openedAt } = eventIn(receipt, sessionEscrowAbi, 'SessionOpened').args
    const session: Session = { vehicle: vehicle.address, pileId, terms: bound, deposit, openedAt, salt }
    if (termsHash !== hashTerms(bound) || sessionId !== hashSession(session))
      throw new Error('SessionOpened does not match the session opened')
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
    { chargingSeconds = 0, idleSeconds = 0, ...voucher }: Voucher,
    domain: { name: string; version: string; chainId: number; verifyingContract: Address } = escrowDomainFull,
  ): Promise<Hex> {
    const message = { ...voucher, chargingSeconds, idleSeconds }
    return local(vehicle).signTypedData({ domain, types: voucherTypes, primaryType: 'Voucher', message })
  }

  /** The arguments of `settleSession` for a voucher signed by `vehicle`. */
  async function settleArgs(vehicle: Account, session: Session, voucher: Voucher) {
    const { r, vs } = compact(await signVoucher(vehicle, voucher))
    const { energyWh, chargingSeconds = 0, idleSeconds = 0, amount } = voucher
    return [session, energyWh, chargingSeconds, idleSeconds, amount, r, vs] as const
  }

  /** A `settleSessions` entry for a voucher signed by `vehicle`, with the session it settles. */
  async function settleInput(vehicle: Account, session: Session, voucher: Voucher) {
    const [, energyWh, chargingSeconds, idleSeconds, amount, r, vs] = await settleArgs(
      vehicle,
      session,
      voucher,
    )
    const { vehicle: address, deposit, openedAt, salt } = session
    return {
      session,
      entry: {
        vehicle: address,
        deposit,
        openedAt,
        salt,
        energyWh,
        chargingSeconds,
        idleSeconds,
        amount,
        r,
        vs,
      },
    }
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
    return local(vehicle).signTypedData({
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
    const signature = await local(owner).signTypedData({
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

  /**
   * Sends the calls without mining them, in the order given, each with its own priority fee, then mines them all in
   * one block: anvil orders a block by fee, so a higher fee sent later runs first, as a front-runner's does.
   * Returns the receipts in the order given (some may have reverted).
   */
  async function inOneBlock(
    txs: {
      from: Account
      call: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[]; value?: bigint }
      priorityFee: bigint
    }[],
  ): Promise<TransactionReceipt[]> {
    await testClient.setAutomine(false)
    try {
      const hashes: Hex[] = []
      for (const { from, call, priorityFee } of txs) {
        const wallet = wallets[accounts.indexOf(from as (typeof accounts)[number])]
        if (!wallet) throw new Error('not a fixture account')
        const { maxFeePerGas } = await publicClient.estimateFeesPerGas()
        hashes.push(
          await wallet.writeContract({
            ...call,
            account: from,
            chain,
            gas: 1_000_000n,
            maxPriorityFeePerGas: priorityFee,
            maxFeePerGas: maxFeePerGas + priorityFee,
          } as never),
        )
      }
      await testClient.mine({ blocks: 1 })
      return await Promise.all(hashes.map((hash) => publicClient.waitForTransactionReceipt({ hash })))
    } finally {
      await testClient.setAutomine(true)
    }
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
    /** Dev account `index`; a MissingValueError when the fixture was started with fewer. */
    account: (index: number) => defined(accounts[index], `anvil account ${index}`),
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
    termsFor,
    registerPile,
    currentTerms,
    openSession,
    signVoucher,
    settleArgs,
    settleInput,
    signChannelVoucher,
    signPermit,
    escrowDomain: escrowDomainFull,
    channelDomain: channelDomainFull,
    inOneBlock,
    advance,
    now,
    stop: () => devChain.stop(),
  }
}

/** `settleSessions` groups: consecutive inputs of the same pile and terms share a group, in the order given. */
export function groupInputs(inputs: readonly { session: Session; entry: SettleEntry }[]): SettleGroup[] {
  const groups: SettleGroup[] = []
  for (const { session, entry } of inputs) {
    const last = groups.at(-1)
    if (last && last.pileId === session.pileId && hashTerms(last.terms) === hashTerms(session.terms))
      last.entries.push(entry)
    else groups.push({ pileId: session.pileId, terms: session.terms, entries: [entry] })
  }
  return groups
}
export interface SettleEntry {
  vehicle: Address
  deposit: bigint
  openedAt: number
  salt: Hex
  energyWh: bigint
  chargingSeconds: number
  idleSeconds: number
  amount: bigint
  r: Hex
  vs: Hex
}
export interface SettleGroup {
  pileId: Hex
  terms: Terms
  entries: SettleEntry[]
}

/** A 65-byte signature in the EIP-2098 compact form the escrow takes: `r` and `vs` (yParity ‖ s). */
/** The first `eventName` event the transaction emitted; a MissingValueError naming it when there was none. */
export function eventIn<const abi extends Abi, eventName extends ContractEventName<abi>>(
  receipt: { logs: Log[] },
  abi: abi,
  eventName: eventName,
) {
  const [event] = parseEventLogs({ abi, eventName, logs: receipt.logs })
  return defined(event, `the ${eventName} event`)
}

export function compact(signature: Hex): { r: Hex; vs: Hex } {
  const { r, yParityAndS } = signatureToCompactSignature(parseSignature(signature))
  return { r, vs: yParityAndS }
}

/** The zero signature that goes with amount 0 (a full refund). */
export const NO_SIGNATURE = { r: zeroHash, vs: zeroHash } as const

/** The id `PileRegistry.pileIdOf(registrant, dmid)` gives. */
export function pileIdOf(registrant: Address, dmid: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'bytes32' }], [registrant, dmid]))
}

/** Deploys nothing: runs the deployment as a call and returns the custom error its constructor reverts with. */
export async function deployRevert(
  f: Fixture,
  abi: Abi,
  bytecode: Hex,
  args: readonly unknown[],
): Promise<{ errorName: string; args: readonly unknown[] }> {
  const error = await f.publicClient
    .call({ account: f.deployer, data: encodeDeployData({ abi, bytecode, args } as never) })
    .then(
      () => undefined,
      (caught: unknown) => caught,
    )
  // The node's revert data sits on one of the causes (which one depends on the transport).
  const withData = (cause: unknown): cause is { data: Hex } =>
    typeof cause === 'object' && cause !== null && 'data' in cause && typeof cause.data === 'string'
  const data = error instanceof ViemBaseError ? error.walk(withData) : undefined
  if (!withData(data))
    throw new Error(`expected the deployment to revert with a custom error: ${String(error)}`)
  const decoded = decodeErrorResult({ abi, data: data.data })
  return { errorName: decoded.errorName, args: decoded.args ?? [] }
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
