import net from 'node:net'
import { HardwareDriverUnavailableError } from '@chargechain/agent-core'
import {
  type Clock,
  createChargingSimulation,
  HardwareBridgeError,
  type IndicatorLights,
  remoteHardware,
  streamChannel,
  type VehicleEnergyMeter,
} from '@chargechain/hardware'
import { z } from 'zod'

export const hardwareSchema = z.discriminatedUnion('driver', [
  /** Parts served by another process over a Unix socket (`serveHardware`): the simulator, the crash tests, a lab rig. */
  z.object({ driver: z.literal('remote'), socket: z.string().min(1) }).strict(),
  /** The simulated twins of one car, in this process: checks config, key, chain and link before wiring. */
  z.object({ driver: z.literal('simulated'), speed: z.number().positive().max(10_000).default(1) }).strict(),
  /** OBD over CAN (slcan or SocketCAN) and GPIO lights for the car's Raspberry Pi (hardware-linux, a later release). */
  z.object({ driver: z.literal('linux') }).passthrough(),
])

export type HardwareConfig = z.output<typeof hardwareSchema>

export interface CarDevices {
  meter: VehicleEnergyMeter
  lights: IndicatorLights
}

export interface OpenedCarHardware {
  devices: CarDevices
  clock: Clock
  /** Resolves if the hardware goes away under the agent (the serving process ended). */
  lost: Promise<unknown>
  close(): Promise<void>
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

/** Builds the drivers the config names. */
export async function openCarHardware(config: HardwareConfig): Promise<OpenedCarHardware> {
  switch (config.driver) {
    case 'remote': {
      const remote = await remoteHardware(streamChannel(await connectSocket(config.socket)))
      return {
        devices: { meter: remote.vehicleMeter('meter'), lights: remote.lights('lights') },
        clock: remote.clock,
        lost: new Promise((resolve) => remote.onClose(resolve)),
        close: () => remote.close(),
      }
    }
    case 'simulated': {
      const world = createChargingSimulation({ speed: config.speed })
      return {
        devices: { meter: world.car.meter, lights: world.car.lights },
        clock: world.clock,
        lost: new Promise(() => {}),
        close: () => world.close(),
      }
    }
    case 'linux':
      throw new HardwareDriverUnavailableError(
        'The linux hardware drivers are not available yet; use "driver": "remote" or "simulated" for now.',
        {
          details:
            'CAN (slcan / SocketCAN) and GPIO drivers ship with the hardware-linux package in a later release.',
        },
      )
  }
}
