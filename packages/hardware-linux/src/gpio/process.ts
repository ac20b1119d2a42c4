import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { GpioToolError, GpioToolMissingError } from './errors.js'
import type { GpioTools } from './tools.js'

/** A tool process that holds a line for as long as it runs (gpioset without -t0, gpiomon). */
export interface LineHolder {
  readonly pid: number
  /** Each stdout line after the banner. */
  onLine(listener: (line: string) => void): void
  /** Resolves when the process ends, for whatever reason. */
  readonly exited: Promise<void>
  readonly running: boolean
  /** Ends it (SIGTERM) and waits. */
  stop(): Promise<void>
}

/**
 * Starts a holder and waits for its `--banner` line, printed once the kernel granted the request. If the tool exits
 * first (busy line, unknown chip or name), rejects with `GpioToolError` carrying its stderr.
 */
export function startHolder(tools: GpioTools, tool: string, args: readonly string[]): Promise<LineHolder> {
  return new Promise((resolve, reject) => {
    // Detached: a Ctrl-C in the agent's terminal reaches the agent, which switches off in order, not its tools.
    const child: ChildProcessByStdio<null, Readable, Readable> = spawn(tool, ['--banner', ...args], {
      env: tools.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    let started = false
    let running = true
    const listeners: Array<(line: string) => void> = []
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const exited = new Promise<void>((done) =>
      child.once('close', () => {
        running = false
        done()
      }),
    )
    child.once('error', (error) => {
      running = false
      const code = (error as NodeJS.ErrnoException).code
      reject(code === 'ENOENT' ? new GpioToolMissingError(tool, { cause: error }) : error)
    })
    void exited.then(() => {
      if (!started)
        reject(new GpioToolError(`${tool} ${args.join(' ')} failed: ${stderr.trim() || 'it exited at once'}`))
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (started) for (const listener of listeners) listener(line)
      else if (/^(Setting|Monitoring) line/.test(line)) {
        started = true
        const pid = child.pid
        if (pid === undefined) return reject(new GpioToolError(`${tool} started without a process id`))
        resolve({
          pid,
          onLine: (listener) => listeners.push(listener),
          exited,
          get running() {
            return running
          },
          async stop() {
            if (running) child.kill('SIGTERM')
            await exited
          },
        })
      }
    })
  })
}
