import {
  type ArrivalSensor,
  type BinaryOutput,
  type Clock,
  type EnergyMeter,
  type GunSensor,
  gunSensorFromButtons,
  InvalidHardwareOptionError,
  type LinkStatus,
} from '@chargechain/hardware'
import { type Gpio, openGpio } from '../gpio/gpio.js'
import { openModbusMeter } from '../meter/modbusMeter.js'
import { ddsd1352, loadMeterProfile, type MeterProfile, meterProfile } from '../meter/profiles.js'
import { type OpenedStm32, openStm32 } from '../stm32/stm32.js'
import type { PileLinuxHardwareConfig } from './pileConfig.js'

export interface PileLinuxDevices {
  arrival: ArrivalSensor
  gun: GunSensor
  relay: BinaryOutput
  meter: EnergyMeter
  bluetoothPower: BinaryOutput
  linkStatus: LinkStatus
}

export interface OpenedPileLinuxHardware {
  devices: PileLinuxDevices
  /** Resolves with the error if a device fails under the agent (a GPIO tool died, the STM32 fell silent). */
  lost: Promise<unknown>
  /** Relay and HC-05 power off first, then every line, port and tool released. */
  close(): Promise<void>
}

async function profileOf(meter: Extract<PileLinuxHardwareConfig['meter'], { modbus: unknown }>['modbus']) {
  const { profile, startAddress } = meter
  if (typeof profile !== 'string') return meterProfile(profile)
  if (profile === 'ddsd1352' && startAddress !== undefined) return meterProfile(ddsd1352(startAddress))
  return loadMeterProfile(profile)
}

/** Opens the pile's real devices as the config says; on failure, releases whatever was already open. */
export async function openPileLinuxHardware(
  config: PileLinuxHardwareConfig,
  options: { clock: Clock; env?: NodeJS.ProcessEnv },
): Promise<OpenedPileLinuxHardware> {
  const { clock } = options
  const { gpio: pins, meter } = config
  let reportLost: (error: unknown) => void = () => {}
  const lost = new Promise<unknown>((resolve) => {
    reportLost = resolve
  })
  const closers: Array<() => Promise<void>> = []
  // In the order opened: the GPIO, and with it the relay, first.
  const closeAll = async () => {
    for (const close of closers) await close().catch(() => {})
  }
  try {
    // GPIO first: its tool check is the likeliest thing to be missing on a fresh Pi, and says what to install.
    const gpio: Gpio = await openGpio({
      clock,
      tools: pins.tools,
      ...(options.env ? { env: options.env } : {}),
      onLost: reportLost,
    })
    closers.push(() => gpio.close())
    let stm32: OpenedStm32 | undefined
    let energy: EnergyMeter
    if ('stm32' in meter) {
      const opened = await openStm32({ ...meter.stm32, clock, onFault: reportLost })
      closers.push(() => opened.close())
      stm32 = opened
      energy = opened.meter
    } else {
      const profile: MeterProfile = await profileOf(meter.modbus)
      const modbus = await openModbusMeter({ ...meter.modbus, profile, clock })
      closers.push(() => modbus.close())
      energy = modbus
    }
    const relay = await gpio.output(pins.relay, { name: 'charging relay' })
    const bluetoothPower = await gpio.output(pins.bluetoothPower, { name: 'HC-05 power (EN)' })
    const input = ({ debounceMs, ...line }: (typeof pins)['arrival'], name: string) =>
      gpio.input(line, { debounceMs, name })
    const arrival = await input(pins.arrival, 'car-arrival sensor')
    const linkStatus = await input(pins.linkStatus, 'HC-05 STATE')
    let gun: GunSensor
    if (pins.gun === 'stm32') {
      if (!stm32)
        throw new InvalidHardwareOptionError(
          'hardware.gpio.gun',
          'a GPIO gun unless the meter is the STM32',
          'stm32',
        )
      gun = stm32.gun
    } else if ('line' in pins.gun) {
      gun = await input(pins.gun.line, 'gun sensor')
    } else {
      gun = gunSensorFromButtons({
        plug: await input(pins.gun.plug, 'gun-in button'),
        unplug: await input(pins.gun.unplug, 'gun-out button'),
      })
    }
    return {
      devices: { arrival, gun, relay, meter: energy, bluetoothPower, linkStatus },
      lost,
      close: closeAll,
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}
