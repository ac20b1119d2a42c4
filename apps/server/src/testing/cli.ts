import { execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The installed `chargechain-server` command: bin/chargechain-server.mjs run by this Node. */
const bin = fileURLToPath(new URL('../../bin/chargechain-server.mjs', import.meta.url))

/** The environment a child gets: this one without DATABASE_URL (PGlite in --data) unless `env` sets it. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, ...rest } = process.env
  return { ...rest, ...env }
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs one `chargechain-server` command to its end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: childEnv(env) }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

export interface StartedServer {
  /** `http://127.0.0.1:PORT` (https with TLS), from the line it prints once it listens. */
  url: string
  /** `ws://127.0.0.1:PORT/ocpp` (wss with TLS): the charger's id goes after it. */
  ocppUrl: string
  /** Everything it wrote so far (stdout and stderr, its JSON logs among them). */
  readonly output: string[]
  /** SIGTERM, and its exit code once it has closed (SIGKILL after 60 s). */
  stop(): Promise<number | null>
  /** SIGKILL, a crash: resolves once it is gone, having written nothing more. */
  kill(): Promise<void>
}

/** A `chargechain-server start …` child process, once it listens and has printed its URLs. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<StartedServer> {
  const child = spawn(process.execPath, [bin, 'start', ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let stopping: Promise<number | null> | undefined
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
      const code = await exited
      clearTimeout(timer)
      return code
    })()
    return stopping
  }
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString()
      output.push(text)
      const printed = output.join('')
      const listening = /ChargeChain server at (https?:\/\/\S+)/.exec(printed)
      // The OCPP line is printed right after; a test reading the output must see both.
      if (listening?.[1] && printed.includes('OCPP 1.6J at')) {
        const url = listening[1]
        child.stdout.off('data', onData)
        child.stdout.on('data', (more: Buffer) => output.push(more.toString()))
        resolve({ url, ocppUrl: `${url.replace(/^http/, 'ws')}/ocpp`, output, stop, kill })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    void exited.then((code) =>
      reject(new Error(`chargechain-server start exited (${code}) before listening:\n${output.join('')}`)),
    )
  })
}
