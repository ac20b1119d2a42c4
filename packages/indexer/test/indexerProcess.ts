import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
const root = fileURLToPath(new URL('../../..', import.meta.url))

/** One JSON log line of the indexer process, with the fields the tests read. */
export interface LogEntry {
  msg?: string
  level?: number
  from?: number
  to?: number
  events?: number
}

/** A running `chargechain-indexer` process and what it has printed so far. */
export interface IndexerProcess {
  child: ChildProcess
  /** Everything printed on stdout and stderr. */
  output(): string
  /** The JSON log lines printed on stdout so far. */
  entries(): LogEntry[]
  /** The `blocks applied` lines so far: each a committed batch. */
  applied(): LogEntry[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves once a log line passes `test`; rejects after `timeoutMs` (with the output so far) or on exit. */
  waitFor(test: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>
}

/** Starts the real indexer process (bin.ts) with `args`; `env` is laid over this process's environment. */
export function startIndexerProcess(args: readonly string[], env: Record<string, string>): IndexerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let ended = false
  void exited.then(() => {
    ended = true
  })
  const entries = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogEntry)
  return {
    child,
    output: () => output,
    entries,
    applied: () => entries().filter((entry) => entry.msg === 'blocks applied'),
    exited,
    async waitFor(test, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = entries().find(test)
        if (found) return found
        if (ended || Date.now() > deadline)
          throw new Error(
            `the indexer process ${ended ? 'exited' : 'timed out'} first; it printed:\n${output}`,
          )
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
  }
}
