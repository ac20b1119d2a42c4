import { createRealClock } from '@chargechain/hardware'
import { type CanBus, formatId } from '../can/bus.js'
import { createObdVehicleMeter, type ObdMap, obdQuantitySchema, readObdQuantity } from '../can/obd.js'
import type { SlcanBitrate } from '../can/slcan.js'
import { openSlcanBus } from '../can/slcanBus.js'
import { openSocketCanBus } from '../can/socketcan.js'

export interface ProbeCanResult {
  bus: string
  frames: number
  /** Standard PID 0x5B (battery remaining), as a fraction; null if the car does not answer it. */
  stateOfCharge: number | null
  /** The whole reading through the PID map, if one was given and it answered. */
  energyWh: number | null
  voltageV: number | null
}

/** Opens the car's CAN bus, asks for the standard state-of-charge PID and the configured map, and counts frames. */
export async function probeCan(
  options: ({ port: string; bitrate?: SlcanBitrate } | { interface: string }) & {
    seconds?: number
    map?: ObdMap
  },
  print: (line: string) => void,
): Promise<ProbeCanResult> {
  const bus: CanBus =
    'port' in options
      ? await openSlcanBus({ path: options.port, bitrate: options.bitrate ?? 500_000 })
      : await openSocketCanBus({ interface: options.interface })
  let frames = 0
  const seen = new Set<string>()
  bus.onFrame((frame) => {
    frames++
    const id = formatId(frame)
    if (!seen.has(id)) {
      seen.add(id)
      print(`frame ${id} [${frame.data.length}] ${Buffer.from(frame.data).toString('hex')}`)
    }
  })
  try {
    print(`bus ${bus.name} open`)
    const soc = obdQuantitySchema.parse({ service: 0x01, pid: 0x5b, scale: 1 / 255 })
    const stateOfCharge = await readObdQuantity(bus, soc, 1_000).then(
      (value) => {
        print(`OBD PID 0x5B: battery ${(value * 100).toFixed(1)} %`)
        return value
      },
      (error: unknown) => {
        print(`OBD PID 0x5B: no answer (${error instanceof Error ? error.message : String(error)})`)
        return null
      },
    )
    let energyWh: number | null = null
    let voltageV: number | null = null
    if (options.map) {
      const meter = createObdVehicleMeter({
        bus,
        map: options.map,
        clock: createRealClock(),
        timeoutMs: 1_000,
      })
      try {
        const reading = await meter.read()
        energyWh = reading.energyWh
        voltageV = reading.voltageV
        print(
          `PID map: ${(reading.stateOfCharge * 100).toFixed(1)} %, ${reading.voltageV} V, ${reading.currentA.toFixed(1)} A, ${reading.energyWh} Wh`,
        )
      } catch (error) {
        print(`PID map: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    await new Promise((resolve) => setTimeout(resolve, (options.seconds ?? 2) * 1000))
    return { bus: bus.name, frames, stateOfCharge, energyWh, voltageV }
  } finally {
    await bus.close()
  }
}
