// Break tried: privateKey(index) checking `index > privateKeys.length` instead of a missing key returns undefined for
// index 3 of 3 accounts, and the funded-keys case fails.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { type DevChain, startAnvil } from './anvil.js'
import { AnvilAccountError, AnvilNotFoundError, AnvilStartError } from './errors.js'

const execFileAsync = promisify(execFile)

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await response.json()) as { result: unknown }
  return body.result
}

describe('startAnvil', () => {
  const started: DevChain[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((chain) => chain.stop()))
  })

  it('starts on a free port with the requested chain id and funded keys', async () => {
    const chain = await startAnvil({ chainId: 1337, accounts: 3 })
    started.push(chain)
    expect(chain.port).toBeGreaterThan(0)
    expect(await rpc(chain.rpcUrl, 'eth_chainId')).toBe('0x539')
    expect(chain.privateKeys).toHaveLength(3)
    expect(chain.privateKeys[0]).toMatch(/^0x[0-9a-f]{64}$/i)
    expect(chain.privateKey(2)).toBe(chain.privateKeys[2])
    expect(() => chain.privateKey(3)).toThrow(AnvilAccountError)
  })

  it('runs two chains side by side', async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil()])
    started.push(a, b)
    expect(a.port).not.toBe(b.port)
  })

  it('stops cleanly: the process exits and the port is closed', async () => {
    const chain = await startAnvil()
    await chain.stop()
    expect(chain.process.exitCode !== null || chain.process.signalCode !== null).toBe(true)
    await expect(rpc(chain.rpcUrl, 'eth_chainId')).rejects.toThrow()
    await chain.stop() // idempotent
  })

  it('takes anvil along when the starting process exits without stopping it', async () => {
    const script = [
      "import { startAnvil } from './packages/devchain/src/index.ts'",
      'const chain = await startAnvil()',
      'console.log(chain.process.pid)',
      'process.exit(0)',
    ].join('\n')
    const { stdout } = await execFileAsync(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ])
    const pid = Number(stdout.trim())
    expect(pid).toBeGreaterThan(0)
    await new Promise((resolve) => setTimeout(resolve, 200))
    // Gone, or a zombie waiting for init to reap it: either way no longer running.
    const state = await readFile(`/proc/${pid}/stat`, 'utf8').then(
      (stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
      () => 'gone',
    )
    expect(['gone', 'Z', 'X']).toContain(state)
  })

  it('fails with a clear error when the port is taken', async () => {
    const first = await startAnvil()
    started.push(first)
    const error = await startAnvil({ port: first.port }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AnvilStartError)
    expect((error as AnvilStartError).shortMessage).toMatch(/anvil did not start/)
  })

  it('fails with a clear error when the binary is missing', async () => {
    const saved = process.env.CHARGECHAIN_ANVIL
    process.env.CHARGECHAIN_ANVIL = '/nonexistent/anvil'
    try {
      await expect(startAnvil()).rejects.toBeInstanceOf(AnvilNotFoundError)
    } finally {
      if (saved === undefined) delete process.env.CHARGECHAIN_ANVIL
      else process.env.CHARGECHAIN_ANVIL = saved
    }
  })
})
