// The pile's real devices assembled from a config, against fake libgpiod tools, a jsmodbus DDSD1352 and a fake STM32
// on ptys. Breaks that fail it: the prototype's default pins changed in pileConfig.ts (the relay is not on line 22),
// or `lost` not fed by the STM32's fault (the silent-STM32 case never resolves).
import { createRealClock } from '@chargechain/hardware'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakeGpioChip, type FakeGpioChip } from '../testing/fakeGpio.js'
import { startFakeModbusMeter } from '../testing/fakeModbusMeter.js'
import { startFakeStm32 } from '../testing/fakeStm32.js'
import { openPtyPair } from '../testing/ptyPair.js'
import { pileLinuxHardwareSchema } from './pileConfig.js'
import { openPileLinuxHardware } from './pileHardware.js'

const clock = createRealClock()
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  cleanups.length = 0
})

async function chip(): Promise<FakeGpioChip> {
  const fake = await createFakeGpioChip()
  cleanups.push(() => fake.close())
  return fake
}

describe('the pile on Linux drivers', () => {
  it('opens the prototype pins and a DDSD1352, switches the relay, and leaves it off on close', async () => {
    const gpio = await chip()
    const pty = await openPtyPair()
    const meter = await startFakeModbusMeter({ path: pty.peerPath, profile: 'ddsd1352' })
    cleanups.push(async () => {
      await meter.close()
      await pty.close()
    })
    await gpio.drive(2, true) // a car is already there
    const config = pileLinuxHardwareSchema.parse({
      driver: 'linux',
      gpio: { tools: { dir: gpio.toolsDir } },
      meter: { modbus: { path: pty.devicePath, profile: 'ddsd1352' } },
    })
    const hardware = await openPileLinuxHardware(config, { clock, env: { ...process.env, ...gpio.env } })
    const { devices } = hardware
    expect(devices.arrival.current()).toBe(true)
    expect(devices.gun.current()).toBe(false)
    expect((await devices.meter.read()).energyWh).toBe(1_234_560)
    await devices.relay.set(true)
    await devices.bluetoothPower.set(true)
    expect([await gpio.level(22), await gpio.level(4)]).toEqual([true, true])
    await hardware.close()
    expect([await gpio.level(22), await gpio.level(4)]).toEqual([false, false])
    for (const line of [2, 10, 17, 22, 27, 4]) expect(await gpio.holder(line)).toBeUndefined()
  })

  it('takes meter and gun from the STM32, and reports the STM32 falling silent as lost', async () => {
    const gpio = await chip()
    const pty = await openPtyPair()
    const stm32 = await startFakeStm32({ path: pty.peerPath })
    cleanups.push(async () => {
      await stm32.close()
      await pty.close()
    })
    const config = pileLinuxHardwareSchema.parse({
      driver: 'linux',
      gpio: { tools: { dir: gpio.toolsDir }, gun: 'stm32' },
      meter: { stm32: { path: pty.devicePath, silenceMs: 500 } },
    })
    const hardware = await openPileLinuxHardware(config, { clock, env: { ...process.env, ...gpio.env } })
    cleanups.push(() => hardware.close())
    stm32.setPlugged(true)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(hardware.devices.gun.current()).toBe(true)
    stm32.silence()
    expect(await hardware.lost).toMatchObject({ name: 'Stm32SilentError' })
  })

  it('refuses a gun on the STM32 when the meter is not the STM32', () => {
    expect(() =>
      pileLinuxHardwareSchema.parse({
        driver: 'linux',
        gpio: { gun: 'stm32' },
        meter: { modbus: { path: '/dev/ttyUSB0', profile: 'ddsd1352' } },
      }),
    ).toThrow(/a gun read from the STM32 needs the STM32 as the meter too/)
  })
})
