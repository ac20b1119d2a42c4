// The car's real devices from a config: OBD through a fake slcan adapter on a pty, lamps on fake libgpiod tools.
// Break that fails it: `openCarLinuxHardware` ignoring `lights` (the green lamp stays dark while charging).
import { createRealClock } from '@chargechain/hardware'
import { expect, it } from 'vitest'
import { fakeCarObdMap } from '../testing/fakeCar.js'
import { createFakeGpioChip } from '../testing/fakeGpio.js'
import { startFakeSlcanAdapter } from '../testing/fakeSlcanAdapter.js'
import { openPtyPair } from '../testing/ptyPair.js'
import { carLinuxHardwareSchema } from './carConfig.js'
import { openCarLinuxHardware } from './carHardware.js'

it('reads the car over slcan and shows its state on GPIO lamps, all dark after close', async () => {
  const gpio = await createFakeGpioChip()
  const pty = await openPtyPair()
  const adapter = await startFakeSlcanAdapter(pty.peerPath)
  try {
    const config = carLinuxHardwareSchema.parse({
      driver: 'linux',
      can: { slcan: { path: pty.devicePath } },
      obd: fakeCarObdMap,
      lights: {
        tools: { dir: gpio.toolsDir },
        lines: { red: { line: 5 }, yellow: { line: 6 }, green: { line: 13 } },
      },
    })
    const car = await openCarLinuxHardware(config, {
      clock: createRealClock(),
      env: { ...process.env, ...gpio.env },
    })
    expect((await car.devices.meter.read()).energyWh).toBe(1_234_500)
    await car.devices.lights.show('charging')
    expect([await gpio.level(5), await gpio.level(6), await gpio.level(13)]).toEqual([false, false, true])
    await car.close()
    expect([await gpio.level(5), await gpio.level(6), await gpio.level(13)]).toEqual([false, false, false])
    expect(adapter.open).toBe(false)
  } finally {
    await adapter.close()
    await pty.close()
    await gpio.close()
  }
})
