import { connectRemoteHardware, remoteDriverSchema } from '@chargechain/agent-main'
import {
  type Clock,
  createChargingSimulation,
  createRealClock,
  type IndicatorLights,
  type VehicleEnergyMeter,
} from '@chargechain/hardware'
import { carLinuxHardwareSchema, openCarLinuxHardware } from '@chargechain/hardware-linux'
import { z } from 'zod'

export const hardwareSchema = z.discriminatedUnion('driver', [
  remoteDriverSchema,
  /** The simulated twins of one car, in this process: checks config, key, chain and link before wiring. */
  z.object({ driver: z.literal('simulated'), speed: z.number().positive().max(10_000).default(1) }).strict(),
  /** The car's Raspberry Pi drivers (hardware-linux): OBD-II over CAN (slcan or SocketCAN) and GPIO lamps. */
  carLinuxHardwareSchema,
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

/** Builds the drivers the config names. */
export async function openCarHardware(config: HardwareConfig): Promise<OpenedCarHardware> {
  switch (config.driver) {
    case 'remote': {
      const { remote, lost } = await connectRemoteHardware(config.socket)
      return {
        devices: { meter: remote.vehicleMeter('meter'), lights: remote.lights('lights') },
        clock: remote.clock,
        lost,
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
    case 'linux': {
      const clock = createRealClock()
      const hardware = await openCarLinuxHardware(config, { clock })
      return { devices: hardware.devices, clock, lost: hardware.lost, close: () => hardware.close() }
    }
  }
}
