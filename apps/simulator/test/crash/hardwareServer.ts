import { mkdtemp } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type ServablePart,
  type ServedHardware,
  type SimulatedClock,
  serveHardware,
  streamChannel,
} from '@chargechain/hardware'

/**
 * Serves a world's parts on a Unix socket to whichever agent process connects, the way a lab rig would. No watchdog:
 * a killed process's socket closes at once, and on a loaded machine a late heartbeat must not cut a live charge.
 */
export async function serveOnSocket(parts: Record<string, ServablePart>, clock: SimulatedClock) {
  const path = join(await mkdtemp(join(tmpdir(), 'crash-hw-')), 'hardware.sock')
  const sessions = new Set<ServedHardware>()
  const server = net.createServer((socket) => {
    const served = serveHardware(parts, streamChannel(socket), { clock, watchdogMs: 0 })
    sessions.add(served)
    void served.closed.then(() => sessions.delete(served))
  })
  await new Promise<void>((resolve) => server.listen(path, resolve))
  return {
    path,
    /** Resolves once no agent is connected (every served output then off). */
    async disconnected() {
      await Promise.all([...sessions].map((served) => served.closed))
    },
    async close() {
      await Promise.all([...sessions].map((served) => served.close()))
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
