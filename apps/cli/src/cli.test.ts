import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pileIdFromDmid } from '@chargechain/chain'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { defined } from '@chargechain/errors'
import { formatEther, parseEther, zeroAddress } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const launcher = fileURLToPath(new URL('../bin/chargechain.mjs', import.meta.url))

interface Run {
  code: number
  stdout: string
  stderr: string
}

// Each command runs as its own Node process (≈2–6 s each on a loaded machine), so the longer flows get 3 minutes.
describe('chargechain CLI (end to end, as a child process)', () => {
  let chain: DevChain
  let dir: string
  let deploymentPath: string
  const key = (index: number) => chain.privateKey(index)

  const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [launcher, '--rpc', chain.rpcUrl, '--deployment', deploymentPath, ...args],
        { env: { ...process.env, ...env }, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
    })
  const json = async (args: string[], env?: Record<string, string>) => {
    const result = await cli([...args, '--json'], env)
    if (result.code !== 0)
      throw new Error(`chargechain ${args.join(' ')} failed (${result.code}): ${result.stderr}`)
    return JSON.parse(result.stdout) as Record<string, string & Record<string, string>>
  }
  /** A value the command's JSON output must carry. */
  const field = (output: Record<string, string>, name: string) =>
    defined(output[name], `"${name}" in the JSON output`)
  const rpc = async (method: string, params: unknown[]) => {
    await fetch(chain.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    })
  }

  beforeAll(async () => {
    chain = await startAnvil({ accounts: 4 })
    dir = await mkdtemp(join(tmpdir(), 'chargechain-cli-'))
    deploymentPath = join(dir, 'deployment.json')
  })
  afterAll(async () => {
    await chain?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('deploys, registers a pile, opens a session with a keystore key, settles it and shows balances', async () => {
    const deployed = await json(['deploy', '--private-key', key(0), '--settle-window', '600'])
    expect(deployed.chainId).toBe(31337)
    expect(deployed.contracts?.sessionEscrow).toMatch(/^0x[0-9a-fA-F]{40}$/)

    // The car's key lives in a keystore; fund it through anvil.
    const password = { CHARGECHAIN_KEY_PASSWORD: 'car password' }
    const carKeystore = join(dir, 'car.json')
    const created = await json(['key', 'new', carKeystore], password)
    const car = field(created, 'address')
    expect((await json(['key', 'address', '--keystore', carKeystore], password)).address).toBe(car)
    await rpc('anvil_setBalance', [car, `0x${parseEther('10').toString(16)}`])

    const owner = privateKeyToAddress(key(1))
    const agent = privateKeyToAddress(key(2))
    const payout = privateKeyToAddress(key(3))
    const registered = await json([
      'pile',
      'register',
      'SH-CLI-1',
      '--price',
      '0.0003',
      '--per-minute',
      '0.00001',
      '--session-fee',
      '0.0001',
      '--credit',
      '500',
      '--agent',
      agent,
      '--payout',
      payout,
      '--private-key',
      key(1),
    ])
    expect(registered.pileId).toBe(pileIdFromDmid(owner, 'SH-CLI-1'))
    const pile = await json(['pile', 'show', 'SH-CLI-1', '--owner', owner])
    expect(pile.terms).toEqual({
      agent,
      payout,
      tariff: {
        currency: zeroAddress,
        pricePerKWh: parseEther('0.0003').toString(),
        pricePerMinute: parseEther('0.00001').toString(),
        idlePerMinute: '0',
        sessionFee: parseEther('0.0001').toString(),
      },
      creditWh: 500,
    })

    const opened = await json(
      ['session', 'open', 'SH-CLI-1', '--owner', owner, '--deposit', '0.01', '--keystore', carKeystore],
      password,
    )
    const sessionId = field(opened, 'sessionId')
    const tx = field(opened, 'transactionHash')
    // A session cannot end in the second it was opened in.
    await rpc('evm_increaseTime', [1])
    await rpc('evm_mine', [])

    const voucher = await json(
      [
        'session',
        'sign-voucher',
        sessionId,
        '--energy',
        '12000',
        '--charging-seconds',
        '600',
        '--tx',
        tx,
        '--keystore',
        carKeystore,
      ],
      password,
    )
    // 12 kWh × 0.0003 + 10 min × 0.00001 + 0.0001 fee
    expect(voucher.amount).toBe(parseEther('0.0038').toString())
    await json([
      'session',
      'settle',
      sessionId,
      '--energy',
      '12000',
      '--charging-seconds',
      '600',
      '--amount',
      formatEther(BigInt(field(voucher, 'amount'))),
      '--signature',
      field(voucher, 'signature'),
      '--tx',
      tx,
      '--private-key',
      key(2),
    ])

    const shown = await json(['session', 'show', sessionId])
    expect(shown.state).toMatchObject({
      status: 'settled',
      energyWh: '12000',
      chargingSeconds: 600,
      amount: voucher.amount,
    })
    expect((await json(['balance', '--account', payout])).escrow).toBe(voucher.amount)
    expect((await json(['balance', '--account', car])).escrow).toBe(parseEther('0.0062').toString())

    const human = await cli(['balance', '--account', payout])
    expect(human.stdout).toMatch(/escrow \(withdrawable\)\s+0\.0038 ETH/)
  }, 180_000)

  it('sets tariff and credit, and moves open sessions to a new agent so the old key cannot settle them', async () => {
    const owner = privateKeyToAddress(key(1))
    const newAgent = privateKeyToAddress(key(3))
    await json([
      'pile',
      'set-tariff',
      'SH-CLI-1',
      '--price',
      '0.0004',
      '--idle-per-minute',
      '0.0002',
      '--private-key',
      key(1),
    ])
    await json(['pile', 'set-credit', 'SH-CLI-1', '800', '--private-key', key(1)])
    const pile = await json(['pile', 'show', 'SH-CLI-1', '--owner', owner])
    expect(pile.terms).toMatchObject({
      tariff: {
        pricePerKWh: parseEther('0.0004').toString(),
        idlePerMinute: parseEther('0.0002').toString(),
      },
      creditWh: 800,
    })
    const opened = await json([
      'session',
      'open',
      field(pile, 'pileId'),
      '--deposit',
      '0.01',
      '--private-key',
      key(0),
    ])
    await json(['pile', 'set-agent', 'SH-CLI-1', newAgent, '--private-key', key(1)])
    const moved = await json(['pile', 'reassign', 'SH-CLI-1', '--agent', newAgent, '--private-key', key(1)])
    expect(moved.reassigned).toEqual([opened.sessionId])
    await rpc('evm_increaseTime', [1])
    await rpc('evm_mine', [])
    const oldKey = await cli([
      'session',
      'settle',
      field(opened, 'sessionId'),
      '--energy',
      '0',
      '--amount',
      '0',
      '--private-key',
      key(2),
    ])
    expect(oldKey.code).toBe(1)
    expect(oldKey.stderr).toMatch(/reassigned it to/)
    const shown = await json(['session', 'show', field(opened, 'sessionId')])
    expect(shown.reassignedAgent).toBe(newAgent)
  }, 180_000)

  it('runs a payment channel: open, sign, settle, close, show', async () => {
    const operator = privateKeyToAddress(key(3))
    const opened = await json([
      'channel',
      'open',
      '--operator',
      operator,
      '--deposit',
      '0.5',
      '--private-key',
      key(1),
    ])
    const channelId = field(opened, 'channelId')
    const voucher = await json([
      'channel',
      'sign-voucher',
      channelId,
      '--amount',
      '0.2',
      '--private-key',
      key(1),
    ])
    const settled = await json([
      'channel',
      'settle',
      channelId,
      '--amount',
      '0.2',
      '--signature',
      field(voucher, 'signature'),
      '--private-key',
      key(3),
    ])
    expect(settled.paid).toBe(parseEther('0.2').toString())
    await json(['channel', 'close', channelId, '--private-key', key(3)])
    expect(await json(['channel', 'show', channelId])).toMatchObject({ status: 'closed' })
  }, 180_000)

  it('exits 2 on usage errors and 1 on failed operations, with a clear message', async () => {
    // Independent runs: in parallel, to keep the suite quick.
    const pileId = pileIdFromDmid(privateKeyToAddress(key(1)), 'SH-CLI-1')
    const [badAmount, unknownCommand, noKey, notOwner, wrongPassword, noManifest, noOwner] =
      await Promise.all([
        cli(['session', 'open', pileId, '--deposit', '1e18', '--private-key', key(1)]),
        cli(['pile', 'explode']),
        cli(['pile', 'set-tariff', 'SH-CLI-1', '--price', '1']),
        cli(['pile', 'set-tariff', pileId, '--price', '1', '--private-key', key(2)]),
        cli(['key', 'address', '--keystore', join(dir, 'car.json')], { CHARGECHAIN_KEY_PASSWORD: 'nope' }),
        cli(['pile', 'show', pileId, '--deployment', join(dir, 'missing.json')]),
        cli(['pile', 'show', 'SH-CLI-1']),
      ])
    expect(badAmount.code).toBe(2)
    expect(badAmount.stderr).toMatch(/--deposit "1e18" is not an amount/)

    expect(unknownCommand.code).toBe(2)

    expect(noKey.code).toBe(2)
    expect(noKey.stderr).toMatch(/--keystore <file> or --private-key/)

    expect(notOwner.code).toBe(1)
    expect(notOwner.stderr).toContain(
      "error: Only the pile's owner can change it; sign with the owner's key.",
    )

    expect(wrongPassword.code).toBe(1)
    expect(wrongPassword.stderr).toMatch(/Wrong password/)

    expect(noManifest.code).toBe(1)
    expect(noManifest.stderr).toMatch(/No deployment manifest at/)

    expect(noOwner.code).toBe(2)
    expect(noOwner.stderr).toMatch(/give --owner <address> too/)
  }, 180_000)
})
