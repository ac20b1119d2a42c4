import net from 'node:net'
import {
  HardwareBridgeError,
  type RemoteHardware,
  remoteHardware,
  streamChannel,
} from '@chargechain/hardware'
import { z } from 'zod'
import { HardwareDriverUnavailableError } from './errors.js'

/** Parts served by another process over a Unix socket (`serveHardware`): the simulator, the crash tests, a lab rig. */
export const remoteDriverSchema = z
  .object({ driver: z.literal('remote'), socket: z.string().min(1) })
  .strict()

/** The Raspberry Pi's own drivers, from the hardware-linux package (a later release); options pass through to it. */
export const linuxDriverSchema = z.object({ driver: z.literal('linux') }).passthrough()

/** The HC-05 Bluetooth module on the Pi's serial port (9600 baud 8N1 on the prototype). */
export const serialLinkSchema = z.strictObject({
  serial: z.strictObject({ path: z.string().min(1), baudRate: z.number().int().positive().default(9_600) }),
})

/** What `driver: linux` gets until hardware-linux ships; `details` names the drivers the agent waits for. */
export function linuxDriversUnavailable(details: string): HardwareDriverUnavailableError {
  return new HardwareDriverUnavailableError(
    'The linux hardware drivers are not available yet; use "driver": "remote" or "simulated" for now.',
    { details },
  )
}

/** What a `serial` link gets until hardware-linux ships. */
export function serialLinkUnavailable(): HardwareDriverUnavailableError {
  return new HardwareDriverUnavailableError(
    'The serial (HC-05) link driver is not available yet; use "link": { "tcp": { … } } for now.',
    { details: 'The serial driver ships with the hardware-linux package in a later release.' },
  )
}

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
