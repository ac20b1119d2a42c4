import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DataDirInUseError } from './errors.js'

const LOCK_FILE = 'chargechain.lock'

/** Folders this process holds: a second open from the same process is refused as well. */
const held = new Set<string>()

/**
 * Takes the embedded database's folder for this process. PGlite does not lock its files, and a second process
 * writing the same folder (a CLI command while the server runs) would corrupt it. A lock left by a process that no
 * longer runs is taken over. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true })
  const path = join(dataDir, LOCK_FILE)
  if (held.has(path)) throw new DataDirInUseError(dataDir, process.pid)
  for (;;) {
    try {
      const file = await open(path, 'wx')
      await file.writeFile(String(process.pid))
      await file.close()
      break
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10)
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner))
        throw new DataDirInUseError(dataDir, owner)
      // Left behind by a process that died (or by this pid in an earlier life, after a container restart).
      await rm(path, { force: true })
    }
  }
  held.add(path)
  return async () => {
    held.delete(path)
    await rm(path, { force: true })
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user.
    return isCode(error, 'EPERM')
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code
}
