// `chargechain-server start` with the operator's keystore settles the operator's channels: a real start process on
// PGlite follows one anvil; a car opened a channel to the operator, a pile reports the car's voucher over OCPP
// (DataTransfer channelLedger.record, bare `ws` frames), and the server's settler takes it on chain on its
// schedule — the channel's settled amount on chain becomes exactly the voucher's.
// Break tried: `start` not starting the settler (the chain's settled amount stays 0: the poll times out).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createChargeChainClient,
  createKeystore,
  deployChargeChain,
  privateKeySigner,
  signChannelVoucher,
} from '@chargechain/chain'
import { addCharger, openDatabase } from '@chargechain/db'
import { insertPile } from '@chargechain/db/testing'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { hashChargerPassword } from '@chargechain/ocpp'
import { openRawCharger, type RawCharger } from '@chargechain/ocpp/testing'
import { createWalletClient, type Hex, http, parseEther } from 'viem'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StartedServer, startCli } from '../testing/cli.js'

const keyPassword = 'operator key password'
const chargerPassword = 'settle-charger-pw'

describe('chargechain-server start with the operator keystore', () => {
  let folder: string
  let anvil: DevChain
  let server: StartedServer
  let charger: RawCharger
  let settledOnChain: (channelId: Hex) => Promise<bigint>
  let channelId: Hex
  let operatorAddress: Hex
  let signature: Hex
  const amount = parseEther('0.3')

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'server-settle-'))
    anvil = await startAnvil({ accounts: 3 })
    const [deployerKey, operatorKey, carKey] = anvil.privateKeys
    if (!deployerKey || !operatorKey || !carKey) throw new Error('anvil gave fewer than 3 accounts')
    const deployer = createWalletClient({
      account: privateKeySigner(deployerKey).account,
      chain: foundry,
      transport: http(anvil.rpcUrl),
      pollingInterval: 50,
    })
    const manifest = join(folder, 'deployment.json')
    const deployment = await deployChargeChain(deployer, {
      arbiter: deployer.account.address,
      settleWindow: 60,
      disputeWindow: 120,
      challengePeriod: 3_600,
      path: manifest,
    })
    const clientOf = (key: Hex) =>
      createChargeChainClient({
        deployment,
        rpcUrl: anvil.rpcUrl,
        signer: privateKeySigner(key),
        pollingInterval: 50,
      })
    const operator = clientOf(operatorKey)
    operatorAddress = privateKeySigner(operatorKey).address
    settledOnChain = async (id) => (await operator.getChannel({ channelId: id })).settled
    ;({ channelId } = await clientOf(carKey).openChannel({
      operator: privateKeySigner(operatorKey).address,
      deposit: parseEther('1'),
    }))
    signature = await signChannelVoucher({
      account: privateKeySigner(carKey).account,
      chainId: deployment.chainId,
      channels: deployment.contracts.paymentChannels,
      channelId,
      cumulativeAmount: amount,
    })
    const keystore = join(folder, 'operator.json')
    await createKeystore({ path: keystore, password: keyPassword, privateKey: operatorKey, scryptN: 2 ** 10 })

    const dataDir = join(folder, 'data')
    const database = await openDatabase({ engine: 'pglite', dataDir: join(dataDir, 'db') })
    // The operator's pile: the server records only vouchers of its own channels.
    const pile = await insertPile(database.db, { dmid: 'DM-SETTLE', owner: operatorAddress })
    await addCharger(
      database.db,
      { id: 'CP-SETTLE', pileId: pile.id, passwordHash: await hashChargerPassword(chargerPassword) },
      { accountId: null, name: 'test' },
    )
    await database.close()

    server = await startCli(
      [
        ...['--port', '0', '--data', dataDir, '--rpc', anvil.rpcUrl, '--deployment', manifest],
        ...['--confirmations', '0'],
        // A round every second, so the test need not wait for the hour.
        ...['--settle-interval', '1'],
      ],
      { CHARGECHAIN_OPERATOR_KEYSTORE: keystore, CHARGECHAIN_KEY_PASSWORD: keyPassword },
    )
    charger = await openRawCharger({
      endpoint: server.ocppUrl,
      identity: 'CP-SETTLE',
      password: chargerPassword,
    })
  }, 240_000)
  afterAll(async () => {
    await charger?.close()
    await server?.stop()
    await anvil?.stop()
    await rm(folder, { recursive: true, force: true })
  })

  it("takes a pile's reported voucher on chain", async () => {
    expect(server.output.join('')).toContain(`Settling the channels of operator ${operatorAddress} on chain`)
    const dataTransfer = (messageId: string, data: object) =>
      charger.call('DataTransfer', { vendorId: 'chargechain', messageId, data: JSON.stringify(data) })
    // The server knows the channel once its indexer has seen it open.
    const ledgerStatus = async () => {
      const answer = await dataTransfer('channelLedger.get', { channelId })
      return answer.ok ? (answer.payload as { status: string }).status : answer.code
    }
    await expect.poll(ledgerStatus, { timeout: 60_000, interval: 500 }).toBe('Accepted')
    const recorded = await dataTransfer('channelLedger.record', {
      channelId,
      amount: String(amount),
      signature,
    })
    expect(recorded).toEqual({
      ok: true,
      payload: { status: 'Accepted', data: JSON.stringify({ cumulative: String(amount) }) },
    })
    await expect.poll(() => settledOnChain(channelId), { timeout: 120_000, interval: 500 }).toBe(amount)
  }, 240_000)
})
