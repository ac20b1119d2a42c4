import { connectRemoteHardware, remoteDriverSchema } from '@chargechain/agent-main'
import {
  type ArrivalSensor,
  type BinaryOutput,
  type Clock,
  chargers,
  createChargingSimulation,
  createRealClock,
  type EnergyMeter,
  type GunSensor,
  type LinkStatus,
} from '@chargechain/hardware'
import { openPileLinuxHardware, pileLinuxHardwareSchema } from '@chargechain/hardware-linux'
import { z } from 'zod'

export const hardwareSchema = z.discriminatedUnion('driver', [
  remoteDriverSchema,
  /**
   * The simulated twins of one pile, in this process: checks config, key, chain and link on a bench before wiring.
   * No car arrives on its own; the agent waits in `idle`.
   */
  z
    .object({
      driver: z.literal('simulated'),
      speed: z.number().positive().max(10_000).default(1),
      charger: z.enum(['ac7kW', 'dc60kW']).default('ac7kW'),
    })
    .strict(),
  /** The Raspberry Pi's own drivers (hardware-linux): GPIO through the libgpiod v2 tools, a Modbus or STM32 meter. */
  pileLinuxHardwareSchema,
])

export type HardwareConfig = z.output<typeof hardwareSchema>

export interface PileDevices {
  arrival: ArrivalSensor
  gun: GunSensor
  relay: BinaryOutput
  meter: EnergyMeter
  bluetoothPower: BinaryOutput
  linkStatus: LinkStatus
}

export interface OpenedPileHardware {
  devices: PileDevices
  clock: Clock
  /** Resolves if the hardware goes away under the agent (the serving process ended). */
  lost: Promise<unknown>
  /** Relay off first, then everything else released. */
  close(): Promise<void>
}

/** Builds the drivers the config names. */
export async function openPileHardware(config: HardwareConfig): Promise<OpenedPileHardware> {
  switch (config.driver) {
    case 'remote': {
      const { remote, lost } = await connectRemoteHardware(config.socket)
      const devices: PileDevices = {
        arrival: remote.input('arrival'),
        gun: remote.input('gun'),
        relay: remote.output('relay'),
        meter: remote.meter('meter'),
        bluetoothPower: remote.output('bluetoothPower'),
        linkStatus: remote.input('link'),
      }
      return {
        devices,
        clock: remote.clock,
        lost,
        close: async () => {
          await devices.relay.close()
          await remote.close()
        },
      }
    }
    case 'simulated': {
      const world = createChargingSimulation({ speed: config.speed, charger: chargers[config.charger] })
      const { pile } = world
      return {
        devices: {
          arrival: pile.arrival,
          gun: pile.gun,
          relay: pile.relay,
          meter: pile.meter,
          bluetoothPower: pile.bluetoothPower,
          linkStatus: pile.link,
        },
        clock: world.clock,
        lost: new Promise(() => {}),
        close: () => world.close(),
      }
    }
    case 'linux': {
      const clock = createRealClock()
      const hardware = await openPileLinuxHardware(config, { clock })
      return { devices: hardware.devices, clock, lost: hardware.lost, close: () => hardware.close() }
    }
  }
}
