import net from 'node:net'
import {
  HardwareBridgeError,
  type RemoteHardware,
  remoteHardware,
  streamChannel,
} from '@chargechain/hardware'
import { z } from 'zod'

/** Parts served by another process over a Unix socket (`serveHardware`): the simulator, the crash tests, a lab rig. */
export const remoteDriverSchema = z
  .object({ driver: z.literal('remote'), socket: z.string().min(1) })
  .strict()

/** The HC-05 Bluetooth module on the Pi's serial port (9600 baud 8N1 on the prototype). */
export const serialLinkSchema = z.strictObject({
  serial: z.strictObject({ path: z.string().min(1), baudRate: z.number().int().positive().default(9_600) }),
})

function connectSocket(path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path)
    socket.once('connect', () => resolve(socket))
    socket.once('error', (error) =>
      reject(
        new HardwareBridgeError(`Cannot reach the hardware server at ${path}; check it is running.`, {
          cause: error,
          retryable: true,
        }),
      ),
    )
  })
}

export interface ConnectedRemoteHardware {
  remote: RemoteHardware
  /** Resolves if the hardware goes away under the agent (the serving process ended). */
  lost: Promise<unknown>
}

/** Connects to the hardware server at the Unix socket `path`. */
export async function connectRemoteHardware(path: string): Promise<ConnectedRemoteHardware> {
  const remote = await remoteHardware(streamChannel(await connectSocket(path)))
  return { remote, lost: new Promise((resolve) => remote.onClose(resolve)) }
}
