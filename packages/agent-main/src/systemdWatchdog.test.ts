// Break that fails it: pinging without WATCHDOG_USEC (the first case sees a ping).
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { startSystemdWatchdog } from './systemdWatchdog.js'

it('pings systemd-notify only under a unit with a watchdog, for this process', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'watchdog-'))
  const log = join(folder, 'pings')
  await writeFile(join(folder, 'systemd-notify'), `#!/bin/sh\necho "$@" >> ${log}\n`)
  await chmod(join(folder, 'systemd-notify'), 0o755)
  const env = { PATH: `${folder}:${process.env.PATH}` }
  const pings = () => readFile(log, 'utf8').catch(() => '')
  const previousPath = process.env.PATH
  process.env.PATH = env.PATH
  try {
    startSystemdWatchdog({ ...env })()
    startSystemdWatchdog({ ...env, WATCHDOG_USEC: '2000000', WATCHDOG_PID: '1' })()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await pings()).toBe('')
    const stop = startSystemdWatchdog({ ...env, WATCHDOG_USEC: '2000000', WATCHDOG_PID: String(process.pid) })
    await new Promise((resolve) => setTimeout(resolve, 1_300))
    stop()
    expect((await pings()).trim().split('\n')).toEqual(['WATCHDOG=1', 'WATCHDOG=1'])
  } finally {
    process.env.PATH = previousPath
  }
})
