import { execFile } from 'node:child_process'

/**
 * Keeps systemd's watchdog fed while the event loop runs: under a unit with `WatchdogSec=` (and `NotifyAccess=all`,
 * since the ping comes from a child), sends `WATCHDOG=1` through systemd-notify every half interval. An agent whose
 * loop hangs stops pinging and systemd restarts it (the unit's stop action drives the relay low first). Does nothing
 * outside such a unit. Returns the function that stops it.
 */
export function startSystemdWatchdog(env: NodeJS.ProcessEnv = process.env): () => void {
  const intervalUs = Number(env.WATCHDOG_USEC)
  if (!(intervalUs > 0)) return () => {}
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== process.pid) return () => {}
  const ping = () => execFile('systemd-notify', ['WATCHDOG=1'], () => {})
  ping()
  const timer = setInterval(ping, Math.max(1_000, intervalUs / 2_000))
  timer.unref()
  return () => clearInterval(timer)
}
