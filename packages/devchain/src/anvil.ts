import { type ChildProcess, spawn } from 'node:child_process'
import { anvilBinaryPath } from './binary.js'
import { AnvilAccountError, AnvilStartError } from './errors.js'

export interface StartAnvilOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number
  chainId?: number
  /** Seconds between blocks; by default a block is mined for every transaction. */
  blockTime?: number
  /** Number of funded dev accounts (anvil's default mnemonic). */
  accounts?: number
  /** Balance of each dev account, in ether. */
  balanceEther?: number
  /** Keep the chain's state in this file across restarts. */
  statePath?: string
  /** Give up if anvil has not said where it listens after this long. */
  startTimeoutMs?: number
  /** Extra command-line arguments, passed as they are. */
  args?: string[]
}

export interface DevChain {
  readonly rpcUrl: string
  readonly wsUrl: string
  readonly port: number
  readonly chainId: number
  /** Private keys of the funded dev accounts, in anvil's order. */
  readonly privateKeys: readonly `0x${string}`[]
  /** The private key of dev account `index`; AnvilAccountError if anvil was started with fewer accounts. */
  privateKey(index: number): `0x${string}`
  readonly process: ChildProcess
  /** Stops anvil (SIGTERM, then SIGKILL after a grace period) and resolves once it has exited. */
  stop(): Promise<void>
}

const listeningLine = /Listening on ([\d.]+):(\d+)/
const privateKeyLine = /^\(\d+\) (0x[0-9a-fA-F]{64})\s*$/gm

/** Starts anvil on a free port and resolves once it accepts connections. */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<DevChain> {
  const chainId = options.chainId ?? 31337
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port ?? 0),
    '--chain-id',
    String(chainId),
    '--accounts',
    String(options.accounts ?? 10),
    '--balance',
    String(options.balanceEther ?? 10_000),
  ]
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime))
  if (options.statePath) args.push('--state', options.statePath)
  if (options.args) args.push(...options.args)

  const child = spawn(anvilBinaryPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  // anvil is a separate binary: if this process exits without stop() (an uncaught error, process.exit), take it along.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit)
      resolve()
    }),
  )

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new AnvilStartError(`no "Listening on" line within ${options.startTimeoutMs ?? 15_000} ms`, output),
      )
    }, options.startTimeoutMs ?? 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = listeningLine.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        // Keep draining so anvil never blocks on a full pipe.
        child.stdout?.resume()
        resolve(Number(match[2]))
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new AnvilStartError('the process could not be spawned', output, error))
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new AnvilStartError(`it exited early (code ${code}, signal ${signal})`, output))
    })
  })

  const privateKeys = [...output.matchAll(privateKeyLine)].map((match) => match[1] as `0x${string}`)
  let stopping: Promise<void> | undefined
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    chainId,
    privateKeys,
    privateKey(index) {
      const key = privateKeys[index]
      if (key === undefined) throw new AnvilAccountError(index, privateKeys.length)
      return key
    },
    process: child,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return
        child.kill('SIGTERM')
        const grace = setTimeout(() => child.kill('SIGKILL'), 3_000)
        await exited
        clearTimeout(grace)
      })()
      return stopping
    },
  }
}
