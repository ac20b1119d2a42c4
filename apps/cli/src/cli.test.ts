import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type DevChain, startAnvil } from '@chargechain/devchain'
import { formatEther, parseEther } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const launcher = fileURLToPath(new URL('../bin/chargechain.mjs', import.meta.url))

interface Run {
  code: number
  stdout: string
  stderr: string
}

describe('chargechain CLI (end to end, as a child process)', () => {
  let chain: DevChain
  let dir: string
  let deploymentPath: string
  const key = (index: number) => chain.privateKeys[index]!

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
    const car = created.address!
    expect((await json(['key', 'address', '--keystore', carKeystore], password)).address).toBe(car)
    await rpc('anvil_setBalance', [car, `0x${parseEther('10').toString(16)}`])

    const agent = privateKeyToAddress(key(2))
    const payout = privateKeyToAddress(key(3))
    await json([
      'pile',
      'register',
      'SH-CLI-1',
      '--price',
      '0.0003',
      '--agent',
      agent,
      '--payout',
      payout,
      '--private-key',
      key(1),
    ])
    const pile = await json(['pile', 'show', 'SH-CLI-1'])
    expect(pile).toMatchObject({ agent, payout, pricePerKWh: parseEther('0.0003').toString() })

    const opened = await json(
      ['session', 'open', 'SH-CLI-1', '--deposit', '0.01', '--keystore', carKeystore],
      password,
    )
    const sessionId = opened.sessionId!
    const tx = opened.transactionHash!
    // A session cannot end in the second it was opened in.
    await rpc('evm_increaseTime', [1])
    await rpc('evm_mine', [])

    const voucher = await json(
      ['session', 'sign-voucher', sessionId, '--energy', '12000', '--tx', tx, '--keystore', carKeystore],
      password,
    )
    expect(voucher.amount).toBe(parseEther('0.0036').toString())
    await json([
      'session',
      'settle',
      sessionId,
      '--energy',
      '12000',
      '--amount',
      formatEther(BigInt(voucher.amount!)),
      '--signature',
      voucher.signature!,
      '--tx',
      tx,
      '--private-key',
      key(2),
    ])

    const shown = await json(['session', 'show', sessionId])
    expect(shown.state).toMatchObject({ status: 'settled', energyWh: '12000', amount: voucher.amount })
    expect((await json(['balance', '--account', payout])).escrow).toBe(voucher.amount)
    expect((await json(['balance', '--account', car])).escrow).toBe(parseEther('0.0064').toString())

    const human = await cli(['balance', '--account', payout])
    expect(human.stdout).toMatch(/escrow \(withdrawable\)\s+0\.0036 ETH/)
  })

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
    const channelId = opened.channelId!
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
      voucher.signature!,
      '--private-key',
      key(3),
    ])
    expect(settled.paid).toBe(parseEther('0.2').toString())
    await json(['channel', 'close', channelId, '--private-key', key(3)])
    expect(await json(['channel', 'show', channelId])).toMatchObject({ status: 'closed' })
  })

  it('exits 2 on usage errors and 1 on failed operations, with a clear message', async () => {
    // Independent runs: in parallel, to keep the suite quick.
    const [badAmount, unknownCommand, noKey, notOwner, wrongPassword, noManifest] = await Promise.all([
      cli(['session', 'open', 'SH-CLI-1', '--deposit', '1e18', '--private-key', key(1)]),
      cli(['pile', 'explode']),
      cli(['pile', 'set-price', 'SH-CLI-1', '--price', '1']),
      cli(['pile', 'set-price', 'SH-CLI-1', '--price', '1', '--private-key', key(2)]),
      cli(['key', 'address', '--keystore', join(dir, 'car.json')], { CHARGECHAIN_KEY_PASSWORD: 'nope' }),
      cli(['pile', 'show', 'SH-CLI-1', '--deployment', join(dir, 'missing.json')]),
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
  })
})
