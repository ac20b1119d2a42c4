import {
  type Clock,
  HardwareClosedError,
  type IndicatorLights,
  type IndicatorState,
  InvalidHardwareOptionError,
  indicatorStates,
} from '@chargechain/hardware'
import type { CanBus } from '../can/bus.js'
import { createObdVehicleMeter, type ObdVehicleMeter } from '../can/obd.js'
import { type SlcanBitrate, slcanBitrates } from '../can/slcan.js'
import { openSlcanBus } from '../can/slcanBus.js'
import { openSocketCanBus } from '../can/socketcan.js'
import { openGpio } from '../gpio/gpio.js'
import { openGpioLights } from '../gpio/lights.js'
import type { CarLinuxHardwareConfig } from './carConfig.js'

export interface OpenedCarLinuxHardware {
  devices: { meter: ObdVehicleMeter; lights: IndicatorLights }
  bus: CanBus
  /** Resolves with the error if a lamp's GPIO tool dies under the agent. */
  lost: Promise<unknown>
  close(): Promise<void>
}

/** Lights for a car wired without lamps: they remember the state shown, so the agent's calls keep their contract. */
function noLamps(): IndicatorLights {
  let shown: IndicatorState = 'idle'
  let closed = false
  return {
    async show(state) {
      if (closed) throw new HardwareClosedError('indicator lights')
      if (!indicatorStates.includes(state))
        throw new InvalidHardwareOptionError('indicator state', indicatorStates.join(' | '), state)
      shown = state
    },
    current: () => shown,
    async close() {
      shown = 'idle'
      closed = true
    },
  }
}

export function openCarBus(can: CarLinuxHardwareConfig['can']): Promise<CanBus> {
  if ('socketcan' in can) return openSocketCanBus(can.socketcan)
  const bitrate = slcanBitrates.find((rate) => rate === can.slcan.bitrate)
  if (bitrate === undefined)
    throw new InvalidHardwareOptionError('can.slcan.bitrate', slcanBitrates.join(' | '), can.slcan.bitrate)
  const rate: SlcanBitrate = bitrate
  return openSlcanBus({ path: can.slcan.path, bitrate: rate, baudRate: can.slcan.baudRate })
}

/** Opens the car's CAN bus, its OBD meter and its lamps; on failure, releases whatever was already open. */
export async function openCarLinuxHardware(
  config: CarLinuxHardwareConfig,
  options: { clock: Clock; env?: NodeJS.ProcessEnv },
): Promise<OpenedCarLinuxHardware> {
  let reportLost: (error: unknown) => void = () => {}
  const lost = new Promise<unknown>((resolve) => {
    reportLost = resolve
  })
  // The lamps' GPIO first: its tool check is the likeliest thing to be missing on a fresh Pi, and says what to install.
  const gpio = config.lights
    ? await openGpio({
        clock: options.clock,
        tools: config.lights.tools,
        ...(options.env ? { env: options.env } : {}),
        onLost: reportLost,
      })
    : undefined
  try {
    const lights = gpio && config.lights ? await openGpioLights(gpio, lampsOf(config.lights)) : noLamps()
    const bus = await openCarBus(config.can).catch(async (error: unknown) => {
      await lights.close()
      throw error
    })
    const meter = createObdVehicleMeter({
      bus,
      map: config.obd,
      clock: options.clock,
      timeoutMs: config.obdTimeoutMs,
    })
    return {
      devices: { meter, lights },
      bus,
      lost,
      async close() {
        await lights.close()
        await gpio?.close()
        await meter.close()
        await bus.close()
      },
    }
  } catch (error) {
    await gpio?.close()
    throw error
  }
}

/** The lamps' part of the config, without the tools' folder. */
function lampsOf({ tools: _tools, ...lamps }: NonNullable<CarLinuxHardwareConfig['lights']>) {
  return lamps
}
