import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { AgentProcessError } from '../errors.js'
import { STATE_ENTERED } from '../runner.js'

/** One JSON log line from the agent's stdout. */
export type LogLine = Record<string, unknown> & { msg?: string; state?: string }

export interface SpawnAgentOptions {
  /** The agent's entry file (TypeScript is fine: it runs under `node --import tsx`). */
  script: string
  /**
   * Node's own options before the script. Default `['--import', 'tsx']`; a bundled JavaScript entry needs none, which
   * spares a test that starts many agents tsx's start-up (about a second of CPU each).
   */
  nodeArgs?: readonly string[]
  args?: readonly string[]
  /** Added to the test's own environment. */
  env?: Record<string, string>
  cwd?: string
}

export interface AgentExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface AgentProcess {
  readonly pid: number
  /** Every JSON line logged so far. */
  readonly logs: readonly LogLine[]
  /** States entered so far, in order, from the runner's `state entered` lines. */
  readonly states: readonly string[]
  /** Settles when the process exits, however it exits. */
  readonly exited: Promise<AgentExit>
  /** How it exited, once it has. */
  readonly exit: AgentExit | undefined
  /** The last few thousand characters it wrote to stderr. */
  readonly stderr: string
  /** Resolves with the first log line matching `predicate`, past or future; rejects if the process exits first. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>
  /** Calls `listener` with every JSON line logged from now on; returns the unsubscribe. */
  onLog(listener: (line: LogLine) => void): () => void
  /** Resolves when the runner logs that it entered `state`. */
  waitForState(state: string, timeoutMs?: number): Promise<LogLine>
  /** Sends `signal` (default SIGKILL: no cleanup, as in a power cut) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<AgentExit>
}

const DEFAULT_TIMEOUT_MS = 20_000

/**
 * Starts an agent in a child process and follows its JSON log on stdout, so a crash test can kill it at a chosen
 * state and start it again. Non-JSON output is kept out of `logs`; stderr is quoted when the process dies early.
 */
export function spawnAgent(options: SpawnAgentOptions): AgentProcess {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? ['--import', 'tsx']), options.script, ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  // Without a pid the system refused the process (out of memory or process slots); its 'error' event follows.
  const pid = child.pid
  if (pid === undefined) {
    child.once('error', () => {})
    throw new AgentProcessError(
      `Could not start ${options.script}: the system refused a new process; free some memory.`,
    )
  }
  const logs: LogLine[] = []
  const states: string[] = []
  const waiters = new Set<() => void>()
  const listeners = new Set<(line: LogLine) => void>()
  let stderr = ''
  let exit: AgentExit | undefined

  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000)
  })
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine
    try {
      line = JSON.parse(text) as LogLine
    } catch {
      return
    }
    logs.push(line)
    if (line.msg === STATE_ENTERED && typeof line.state === 'string') states.push(line.state)
    for (const listener of [...listeners]) listener(line)
    for (const wake of [...waiters]) wake()
  })
  const exited = new Promise<AgentExit>((resolve) => {
    child.on('close', (code, signal) => {
      exit = { code, signal }
      resolve(exit)
      for (const wake of [...waiters]) wake()
    })
  })

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs.find(predicate)
        if (found) return finish(() => resolve(found))
        if (exit) {
          finish(() =>
            reject(
              new AgentProcessError(
                `Agent ${options.script} exited (code ${exit?.code}, signal ${exit?.signal}) before the awaited log line.`,
                { details: `states: ${states.join(' → ') || 'none'}; stderr: ${stderr.trim() || 'empty'}` },
              ),
            ),
          )
        }
      }
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new AgentProcessError(
                `Agent ${options.script} did not log the awaited line within ${timeoutMs} ms.`,
                {
                  details: `states: ${states.join(' → ') || 'none'}; stderr: ${stderr.trim() || 'empty'}`,
                },
              ),
            ),
          ),
        timeoutMs,
      )
      const finish = (settle: () => void) => {
        clearTimeout(timer)
        waiters.delete(check)
        settle()
      }
      waiters.add(check)
      check()
    })

  return {
    pid,
    logs,
    states,
    exited,
    get exit() {
      return exit
    },
    get stderr() {
      return stderr
    },
    waitForLog,
    onLog(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    waitForState: (state, timeoutMs) =>
      waitForLog((line) => line.msg === STATE_ENTERED && line.state === state, timeoutMs),
    async kill(signal = 'SIGKILL') {
      if (!exit) child.kill(signal)
      return exited
    },
  }
}

/** Runs an agent until it enters `state`, kills it there with SIGKILL, and returns what it logged. */
export async function killAgentAtState(
  options: SpawnAgentOptions,
  state: string,
  timeoutMs?: number,
): Promise<{ states: readonly string[]; logs: readonly LogLine[]; exit: AgentExit }> {
  const agent = spawnAgent(options)
  try {
    await agent.waitForState(state, timeoutMs)
  } finally {
    await agent.kill('SIGKILL')
  }
  return { states: agent.states, logs: agent.logs, exit: await agent.exited }
}
