import { mkdtemp } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createSimulatedClock,
  createSimulatedOutput,
  HardwareBridgeError,
  serveHardware,
  streamChannel,
} from '@chargechain/hardware'
import { describe, expect, it } from 'vitest'
import { connectRemoteHardware, remoteDriverSchema, serialLinkSchema } from './drivers.js'

/** A hardware server on a real Unix socket, serving one relay, as the simulator serves an agent. */
async function hardwareServer() {
  const path = join(await mkdtemp(join(tmpdir(), 'drivers-')), 'hw.sock')
  const relay = createSimulatedOutput({ clock: createSimulatedClock() })
  const served: Array<ReturnType<typeof serveHardware>> = []
  const server = net.createServer((socket) => {
    served.push(serveHardware({ relay }, streamChannel(socket)))
  })
  await new Promise<void>((resolve) => server.listen(path, resolve))
  return {
    path,
    relay,
    stop: async () => {
      server.close()
      await Promise.all(served.map((part) => part.close()))
    },
  }
}

describe('driver schemas', () => {
  it('take a remote socket and default the serial baud rate', () => {
    expect(remoteDriverSchema.parse({ driver: 'remote', socket: 'hw.sock' })).toEqual({
      driver: 'remote',
      socket: 'hw.sock',
    })
    expect(remoteDriverSchema.safeParse({ driver: 'remote', socket: '' }).success).toBe(false)
    expect(serialLinkSchema.parse({ serial: { path: '/dev/serial0' } })).toEqual({
      serial: { path: '/dev/serial0', baudRate: 9_600 },
    })
  })
})

describe('connectRemoteHardware', () => {
  it('drives the served parts and reports when the server goes away', async () => {
    const server = await hardwareServer()
    const { remote, lost } = await connectRemoteHardware(server.path)
    await remote.output('relay').set(true)
    expect(server.relay.physical()).toBe(true)
    let gone = false
    void lost.then(() => {
      gone = true
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(gone).toBe(false)
    await server.stop()
    await lost
    expect(server.relay.physical()).toBe(false)
  })

  it('names an unreachable socket as a retryable bridge error', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'drivers-')), 'nobody.sock')
    const connecting = connectRemoteHardware(path)
    await expect(connecting).rejects.toThrow(HardwareBridgeError)
    await expect(connecting).rejects.toMatchObject({ retryable: true })
    await expect(connecting).rejects.toThrow(
      /Cannot reach the hardware server at .*nobody\.sock; check it is running\./,
    )
  })
})
