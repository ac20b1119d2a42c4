// The settler against anvil and the real indexer, on every test engine: the ledger's highest voucher goes on chain
// once; a 'closing' round takes exactly the channels whose challenge period ends within the margin (break: drop the
// `closingBefore` filter in dueChannels.ts and "settles a closing channel before its challenge period ends" fails, as
// the open channel is settled too); a voucher the chain already holds sends nothing; a voucher the contract refuses
// is reported and not sent again; two settlers on one PostgreSQL send one transaction (break: return `task()`
// without the advisory lock in `exclusively` and "two instances" fails with two settles, the second refused).
import {
  type ChargeChainClient,
  createChargeChainClient,
  deployChargeChain,
  privateKeySigner,
  signChannelVoucher,
} from '@chargechain/chain'
import { type Database, getChannelLedger, openDatabase, recordChannelVoucher } from '@chargechain/db'
import {
  createScratchDatabase,
  type ScratchDatabase,
  testDatabaseUrl,
  testEngines,
} from '@chargechain/db/testing'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { createIndexer } from '@chargechain/indexer'
import { createTestClient, createWalletClient, type Hex, http, parseEther, zeroAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChannelSettler, type SettleDueReturnType } from '../src/index.js'

const challengePeriod = 3_600

interface World {
  anvil: DevChain
  operator: ChargeChainClient
  vehicle: ChargeChainClient
  vehicleKey: Hex
  passTime(seconds: number): Promise<void>
  blockTime(): Promise<Date>
}

async function startWorld(): Promise<World> {
  const anvil = await startAnvil({ accounts: 3 })
  const [deployerKey, operatorKey, vehicleKey] = anvil.privateKeys
  if (!deployerKey || !operatorKey || !vehicleKey) throw new Error('anvil gave fewer than 3 accounts')
  const deployer = createWalletClient({
    account: privateKeyToAccount(deployerKey),
    chain: foundry,
    transport: http(anvil.rpcUrl),
    pollingInterval: 50,
  })
  const deployment = await deployChargeChain(deployer, {
    arbiter: deployer.account.address,
    settleWindow: 60,
    disputeWindow: 120,
    challengePeriod,
  })
  const client = (key: Hex) =>
    createChargeChainClient({
      deployment,
      rpcUrl: anvil.rpcUrl,
      signer: privateKeySigner(key),
      pollingInterval: 50,
    })
  const testClient = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) })
  const operator = client(operatorKey)
  return {
    anvil,
    operator,
    vehicle: client(vehicleKey),
    vehicleKey,
    async passTime(seconds) {
      await testClient.increaseTime({ seconds })
      await testClient.mine({ blocks: 1 })
    },
    async blockTime() {
      const block = await operator.getBlock()
      return new Date(Number(block.timestamp) * 1000)
    },
  }
}

function operatorAddress(world: World): Hex {
  const address = world.operator.account?.address
  if (!address) throw new Error('the operator client has no account')
  return address
}

async function openChannel(world: World, salt: number): Promise<Hex> {
  const { channelId } = await world.vehicle.openChannel({
    operator: operatorAddress(world),
    deposit: parseEther('1'),
    salt: `0x${salt.toString(16).padStart(64, '0')}`,
  })
  return channelId
}

async function voucher(world: World, channelId: Hex, amount: bigint): Promise<Hex> {
  return signChannelVoucher({
    account: privateKeyToAccount(world.vehicleKey),
    chainId: world.operator.deployment.chainId,
    channels: world.operator.deployment.contracts.paymentChannels,
    channelId,
    cumulativeAmount: amount,
  })
}

/** A pile reports a voucher to the ledger, as the OCPP endpoint does. */
async function report(database: Database, world: World, channelId: Hex, amount: bigint, signature?: Hex) {
  const result = await recordChannelVoucher(database.db, {
    channelId,
    amount,
    signature: signature ?? (await voucher(world, channelId, amount)),
    at: new Date(),
  })
  expect(result.recorded).toBe(true)
}

/** A round's result for one channel only (earlier tests leave channels of their own). */
function about(result: SettleDueReturnType, channelId: Hex): SettleDueReturnType {
  return {
    settled: result.settled.filter((entry) => entry.channelId === channelId),
    current: result.current.filter((id) => id === channelId),
    refused: result.refused.filter((entry) => entry.channelId === channelId),
    unreachable: result.unreachable.filter((id) => id === channelId),
  }
}

function indexerOn(database: Database, world: World) {
  return createIndexer({
    database,
    client: world.operator,
    deployment: world.operator.deployment,
    confirmations: 0,
  })
}

for (const engine of testEngines) {
  describe(`channel settler on ${engine.name}`, () => {
    let world: World
    let database: Database
    beforeAll(async () => {
      world = await startWorld()
      database = await engine.open()
    })
    afterAll(async () => {
      await database?.close()
      await world?.anvil.stop()
    })

    it('takes the ledger voucher on chain once, and sends nothing for one already there', async () => {
      const channelId = await openChannel(world, 1)
      const indexer = indexerOn(database, world)
      await indexer.syncOnce()
      await report(database, world, channelId, parseEther('0.2'))
      await report(database, world, channelId, parseEther('0.3'))

      const settler = createChannelSettler({ database, operators: [world.operator] })
      const first = await settler.settleDue('all')
      expect(first.settled.map(({ channelId: id, amount }) => [id, amount])).toEqual([
        [channelId, parseEther('0.3')],
      ])
      expect((await world.operator.getChannel({ channelId })).settled).toBe(parseEther('0.3'))

      // Before the indexer saw the settle, the ledger still shows it unsettled: the chain says it is done.
      expect(await settler.settleDue('all')).toEqual({
        settled: [],
        current: [channelId],
        refused: [],
        unreachable: [],
      })
      await indexer.syncOnce()
      expect((await getChannelLedger(database.db, channelId))?.settled).toBe(parseEther('0.3'))
      expect(await settler.settleDue('all')).toEqual({
        settled: [],
        current: [],
        refused: [],
        unreachable: [],
      })
    })

    it('settles a closing channel before its challenge period ends, and leaves open ones to the schedule', async () => {
      const closing = await openChannel(world, 2)
      const open = await openChannel(world, 3)
      const indexer = indexerOn(database, world)
      await indexer.syncOnce()
      await report(database, world, closing, parseEther('0.4'))
      await report(database, world, open, parseEther('0.1'))
      await world.vehicle.requestClose({ channelId: closing })
      await indexer.syncOnce()

      const at = await world.blockTime()
      const settler = createChannelSettler({
        database,
        operators: [world.operator],
        closeMarginMs: 600_000,
        now: () => at,
      })
      // The challenge period ends in an hour: not yet within the ten-minute margin.
      expect((await settler.settleDue('closing')).settled).toEqual([])
      await world.passTime(challengePeriod - 300)
      const late = new Date(at.getTime() + (challengePeriod - 300) * 1000)
      const urgent = createChannelSettler({ database, operators: [world.operator], now: () => late })
      const result = await urgent.settleDue('closing')
      expect(result.settled.map(({ channelId, amount }) => [channelId, amount])).toEqual([
        [closing, parseEther('0.4')],
      ])
      expect((await world.operator.getChannel({ channelId: closing })).settled).toBe(parseEther('0.4'))
      expect((await world.operator.getChannel({ channelId: open })).settled).toBe(0n)
    })

    it('reports a voucher the contract refuses and does not send it again', async () => {
      const channelId = await openChannel(world, 4)
      await indexerOn(database, world).syncOnce()
      // Signed by the operator, not the car: the ledger takes it (it does not check), the contract does not.
      const forged = await signChannelVoucher({
        account: privateKeyToAccount(world.anvil.privateKeys[1] ?? zeroAddress),
        chainId: world.operator.deployment.chainId,
        channels: world.operator.deployment.contracts.paymentChannels,
        channelId,
        cumulativeAmount: parseEther('0.9'),
      })
      await report(database, world, channelId, parseEther('0.9'), forged)
      const settler = createChannelSettler({ database, operators: [world.operator] })
      expect(about(await settler.settleDue('all'), channelId)).toEqual({
        settled: [],
        current: [],
        refused: [{ channelId, reason: 'InvalidVoucherSigner' }],
        unreachable: [],
      })
      expect(about(await settler.settleDue('all'), channelId)).toEqual({
        settled: [],
        current: [],
        refused: [],
        unreachable: [],
      })
      expect((await world.operator.getChannel({ channelId })).settled).toBe(0n)
    })
  })
}

describe.runIf(testDatabaseUrl)('two settlers on one PostgreSQL', () => {
  let world: World
  let scratch: ScratchDatabase
  let a: Database
  let b: Database
  beforeAll(async () => {
    world = await startWorld()
    scratch = await createScratchDatabase(testDatabaseUrl ?? '')
    a = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 2 })
    b = await openDatabase({ engine: 'postgres', url: scratch.url, maxConnections: 2 })
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await scratch?.drop()
    await world?.anvil.stop()
  })

  it('send one settle transaction for a channel', async () => {
    const channelId = await openChannel(world, 5)
    await indexerOn(a, world).syncOnce()
    await report(a, world, channelId, parseEther('0.5'))
    const [one, two] = await Promise.all([
      createChannelSettler({ database: a, operators: [world.operator] }).settleDue('all'),
      createChannelSettler({ database: b, operators: [world.operator] }).settleDue('all'),
    ])
    expect([...one.settled, ...two.settled].map(({ amount }) => amount)).toEqual([parseEther('0.5')])
    expect([...one.refused, ...two.refused]).toEqual([])
    expect((await world.operator.getChannel({ channelId })).settled).toBe(parseEther('0.5'))
  })
})
