import { type ChildProcess, spawn } from 'node:child_process'
import type { GpioTools } from './tools.js'

// The guard outlives the agent by a moment. It reads commands on stdin; when stdin closes — the agent exited, crashed
// or was killed with SIGKILL, the kernel closes the pipe in every case — it kills the tool processes still holding
// lines and drives every output it was told about to inactive. A line released by its holder keeps its level on a
// Raspberry Pi, so without this a dead agent could leave the relay closed. It ignores the terminal's and systemd's
// polite signals so that it is still there to act when the agent goes.
//   hold PID           kill PID (a gpioset/gpiomon holding a line) at the end
//   release PID        forget PID
//   off ARG…           at the end, run `gpioset -t0 ARG…` (the line's options and LINE=0), retrying while busy
const script = `
trap '' HUP INT TERM QUIT PIPE
gpioset=$1
pids=
offs=
while IFS= read -r command; do
  set -- $command
  case $1 in
    hold) pids="$pids $2" ;;
    release) keep=; for pid in $pids; do [ "$pid" = "$2" ] || keep="$keep $pid"; done; pids=$keep ;;
    off) shift; offs="$offs
$*" ;;
  esac
done
for pid in $pids; do kill -9 "$pid" 2>/dev/null; done
printf '%s\\n' "$offs" | while IFS= read -r args; do
  [ -n "$args" ] || continue
  tries=0
  until "$gpioset" -t0 $args 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || break
    sleep 0.02
  done
done
`

/** The process that switches outputs off once the agent is gone, however it went. */
export interface GpioGuard {
  hold(pid: number): void
  release(pid: number): void
  /** On the agent's end, drive this line inactive: `args` are the line's options and `LINE=0`. */
  offAtEnd(args: readonly string[]): void
  /** Ends the guard now (it runs its end actions) and waits for it. */
  close(): Promise<void>
  readonly pid: number | undefined
}

export function startGpioGuard(tools: GpioTools): GpioGuard {
  // Detached: its own process group, so a Ctrl-C in the agent's terminal does not reach it.
  const child: ChildProcess = spawn('sh', ['-c', script, 'chargechain-gpio-guard', tools.gpioset], {
    env: tools.env,
    detached: true,
    stdio: ['pipe', 'ignore', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('error', () => {})
  const send = (line: string) => {
    if (child.stdin?.writable) child.stdin.write(`${line}\n`)
  }
  return {
    pid: child.pid,
    hold: (pid) => send(`hold ${pid}`),
    release: (pid) => send(`release ${pid}`),
    offAtEnd: (args) => send(`off ${args.join(' ')}`),
    async close() {
      child.stdin?.end()
      await exited
    },
  }
}
