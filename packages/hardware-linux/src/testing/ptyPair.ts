import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Whether socat is installed; tests that need it fail with this hint rather than skip silently. */
export const socatAvailable = spawnSync('socat', ['-V']).status === 0
export const socatHint = 'socat is not installed; install it (apt-get install socat) to run the serial tests'

/**
 * Two pseudo-terminals joined by socat: a null-modem cable in software. The two ends have stable paths (symlinks in a
 * temporary folder), so `unplug()` and `plug()` can make the device disappear and come back as a USB adapter would.
 */
export interface PtyPair {
  /** The driver's side, e.g. what a config would call `/dev/ttyUSB0`. */
  readonly devicePath: string
  /** The far side: the fake meter, STM32, HC-05 peer or CAN adapter opens this one. */
  readonly peerPath: string
  /** Kills socat: both paths vanish and open ports see an error or hang-up. */
  unplug(): Promise<void>
  /** Starts socat again on the same paths. */
  plug(): Promise<void>
  close(): Promise<void>
}

export async function openPtyPair(): Promise<PtyPair> {
  const folder = await mkdtemp(join(tmpdir(), 'chargechain-pty-'))
  const devicePath = join(folder, 'device')
  const peerPath = join(folder, 'peer')
  let socat: ChildProcess | undefined

  const plug = async () => {
    const child = spawn('socat', [
      '-d',
      '-d',
      `pty,raw,echo=0,link=${devicePath}`,
      `pty,raw,echo=0,link=${peerPath}`,
    ])
    socat = child
    await new Promise<void>((resolve, reject) => {
      let log = ''
      child.once('error', reject)
      child.once('exit', (code) => reject(new Error(`socat exited with ${code}: ${log}`)))
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString()
        if (log.includes('starting data transfer')) resolve()
      })
    })
  }
  const unplug = async () => {
    const child = socat
    socat = undefined
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill()
    await exited
  }

  await plug()
  return {
    devicePath,
    peerPath,
    unplug,
    plug,
    async close() {
      await unplug()
      await rm(folder, { recursive: true, force: true })
    },
  }
}
